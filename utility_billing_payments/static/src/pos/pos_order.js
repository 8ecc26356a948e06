import { patch } from "@web/core/utils/patch";
import { PosOrder } from "@point_of_sale/app/models/pos_order";
import { formatCurrency } from "@point_of_sale/app/models/utils/currency";

patch(PosOrder.prototype, {
    export_for_printing(baseUrl, headerData) {
        const data = super.export_for_printing(...arguments);
        data.utilityCounter = Boolean(this.config.utility_counter);
        data.utilityReceiptNumber = this.utility_receipt_number || "";
        if (data.utilityCounter && data.headerData) {
            // The receipt number is the reference a customer quotes, not the
            // order's tracking number.
            data.headerData = { ...data.headerData, trackingNumber: false };
        }
        data.utilityCustomer = this.get_partner()?.name || "";
        data.utilityPayments = this.lines
            .filter((line) => line.utility_account_id)
            .map((line) => ({
                account: line.utility_account_id.name,
                customer: line.utility_account_id.partner_id?.name || "",
                address: line.utility_account_id.service_address || "",
                amount: formatCurrency(line.get_price_with_tax(), this.currency),
                balance:
                    line.utility_balance_after !== undefined && line.id && typeof line.id === "number"
                        ? formatCurrency(line.utility_balance_after, this.currency)
                        : "",
            }));
        return data;
    },
});
