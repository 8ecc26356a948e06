import { patch } from "@web/core/utils/patch";
import { _t } from "@web/core/l10n/translation";
import { OrderSummary } from "@point_of_sale/app/screens/product_screen/order_summary/order_summary";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";

patch(OrderSummary.prototype, {
    /**
     * A utility payment line is the amount the cashier entered for the
     * account: the numpad may only remove it (Backspace); the server refuses
     * any other quantity or a discount.
     */
    async updateSelectedOrderline({ buffer, key }) {
        const line = this.pos.get_order()?.get_selected_orderline();
        if (line?.utility_account_id) {
            this.numberBuffer.reset();
            if (buffer === null || key === "Backspace") {
                this.pos.get_order().removeOrderline(line);
                return;
            }
            this.dialog.add(AlertDialog, {
                title: _t("Utility payment"),
                body: _t(
                    "The amount of a utility payment is set when it is added. To change it, remove the line (Backspace) and add the payment again."
                ),
            });
            return;
        }
        return await super.updateSelectedOrderline(...arguments);
    },
});
