import { patch } from "@web/core/utils/patch";
import { PosPayment } from "@point_of_sale/app/models/pos_payment";

patch(PosPayment.prototype, {
    export_for_printing() {
        const data = super.export_for_printing();
        if (this.check_number) {
            data.name = `${data.name} #${this.check_number}`;
        }
        return data;
    },
});
