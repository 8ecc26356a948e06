import { patch } from "@web/core/utils/patch";
import { _t } from "@web/core/l10n/translation";
import { PaymentScreen } from "@point_of_sale/app/screens/payment_screen/payment_screen";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { TextInputPopup } from "@point_of_sale/app/utils/input_popups/text_input_popup";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";

patch(PaymentScreen.prototype, {
    async addNewPaymentLine(paymentMethod) {
        if (paymentMethod.utility_tender === "check") {
            const cashOnly = this.pos.getUtilityCashOnlyAccounts(this.currentOrder);
            if (cashOnly.length) {
                this.dialog.add(AlertDialog, {
                    title: _t("Cash only"),
                    body: _t(
                        "Account %s pays by cash, card or money order only (returned checks).",
                        cashOnly.map((account) => account.name).join(", ")
                    ),
                });
                return false;
            }
            const checkNumber = await makeAwaitable(this.dialog, TextInputPopup, {
                title: _t("Check number"),
                placeholder: _t("Check number"),
            });
            if (!checkNumber || !checkNumber.trim()) {
                return false;
            }
            const result = await super.addNewPaymentLine(paymentMethod);
            const line = this.currentOrder.get_selected_paymentline();
            if (line && line.payment_method_id.id === paymentMethod.id) {
                line.update({ check_number: checkNumber.trim() });
            }
            return result;
        }
        return await super.addNewPaymentLine(paymentMethod);
    },
});
