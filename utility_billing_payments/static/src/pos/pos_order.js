import { patch } from "@web/core/utils/patch";
import { PosOrder } from "@point_of_sale/app/models/pos_order";
import { formatCurrency } from "@point_of_sale/app/models/utils/currency";

patch(PosOrder.prototype, {
    export_for_printing(baseUrl, headerData) {
        const data = super.export_for_printing(...arguments);
        data.utilityReceiptNumber = this.utility_receipt_number || "";
        data.utilityPayments = this.lines
            .filter((line) => line.utility_account_id)
            .map((line) => ({
                account: line.utility_account_id.name,
                amount: formatCurrency(line.get_price_with_tax(), this.currency),
                balance:
                    line.utility_balance_after !== undefined && line.id && typeof line.id === "number"
                        ? formatCurrency(line.utility_balance_after, this.currency)
                        : "",
            }));
        return data;
    },
});
