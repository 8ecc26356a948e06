import { patch } from "@web/core/utils/patch";
import { _t } from "@web/core/l10n/translation";
import { PosStore } from "@point_of_sale/app/store/pos_store";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { TextInputPopup } from "@point_of_sale/app/utils/input_popups/text_input_popup";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";

patch(PosStore.prototype, {
    /**
     * Add a payment of a utility account (as found by pos_search) to the
     * current order. The order's customer is the first account's customer.
     */
    async addUtilityPayment(info, amount) {
        const productId = this.config.utility_payment_product_id;
        const product = this.models["product.product"].get(
            typeof productId === "object" ? productId.id : productId
        );
        if (!product) {
            this.dialog.add(AlertDialog, {
                title: _t("Counter not set up"),
                body: _t("The utility payment product is not loaded in this counter."),
            });
            return;
        }
        const [account] = await this.data.read("utility.account", [info.id]);
        const order = this.get_order() || this.add_new_order();
        if (!order.get_partner() && account.partner_id) {
            order.set_partner(account.partner_id);
        }
        return await this.addLineToCurrentOrder(
            {
                product_id: product,
                price_unit: amount,
                qty: 1,
                utility_account_id: account,
            },
            {},
            false
        );
    },

    async addLineToOrder(vals, order, opts = {}, configure = true) {
        const product =
            typeof vals.product_id === "number"
                ? this.data.models["product.product"].get(vals.product_id)
                : vals.product_id;
        if (product?.utility_reference_required && !vals.utility_reference) {
            const label = product.utility_reference_label || _t("Reference");
            const reference = await makeAwaitable(this.dialog, TextInputPopup, {
                title: label,
                placeholder: label,
            });
            if (!reference || !reference.trim()) {
                return;
            }
            vals = { ...vals, utility_reference: reference.trim() };
        }
        return await super.addLineToOrder(vals, order, opts, configure);
    },

    /** Accounts in the order that pay cash only (returned checks). */
    getUtilityCashOnlyAccounts(order) {
        return (order?.lines || [])
            .map((line) => line.utility_account_id)
            .filter((account) => account && account.cash_only);
    },
});
