import { patch } from "@web/core/utils/patch";
import { PosOrderline } from "@point_of_sale/app/models/pos_order_line";

patch(PosOrderline.prototype, {
    getDisplayData() {
        const data = super.getDisplayData();
        if (this.utility_account_id) {
            data.productName = `${data.productName} ${this.utility_account_id.name}`;
        } else if (this.utility_reference) {
            data.productName = `${data.productName} #${this.utility_reference}`;
        }
        return data;
    },
    can_be_merged_with(orderline) {
        if (this.utility_account_id || this.utility_reference) {
            return false;
        }
        return super.can_be_merged_with(orderline);
    },
});
