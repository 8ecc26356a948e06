import { patch } from "@web/core/utils/patch";
import { ControlButtons } from "@point_of_sale/app/screens/product_screen/control_buttons/control_buttons";
import { UtilityPaymentDialog } from "./utility_payment_dialog";

patch(ControlButtons.prototype, {
    onClickUtilityPayment() {
        this.dialog.add(UtilityPaymentDialog, {});
    },
});
