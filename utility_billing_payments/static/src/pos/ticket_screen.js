import { patch } from "@web/core/utils/patch";
import { _t } from "@web/core/l10n/translation";
import { TicketScreen } from "@point_of_sale/app/screens/ticket_screen/ticket_screen";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";

patch(TicketScreen.prototype, {
    async onDoRefund() {
        const order = this.getSelectedOrder();
        if (order && order.lines.some((line) => line.utility_account_id)) {
            // A utility payment is given back by a void (CSR II), which also
            // reopens the bills; never by a refund rung up at the counter.
            this.dialog.add(AlertDialog, {
                title: _t("Void needed"),
                body: _t(
                    "This receipt pays utility accounts: a CSR II voids it in Utility Billing > Payments and Collections > Counter Receipts."
                ),
            });
            return;
        }
        return await super.onDoRefund(...arguments);
    },
});
