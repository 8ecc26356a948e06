import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { _t } from "@web/core/l10n/translation";
import { usePos } from "@point_of_sale/app/store/pos_hook";
import { formatCurrency } from "@point_of_sale/app/models/utils/currency";

/**
 * Find a utility account on the server (account number, customer name,
 * service address or meter serial), show what it owes and add a payment of it
 * to the current order.
 */
export class UtilityPaymentDialog extends Component {
    static template = "utility_billing_payments.UtilityPaymentDialog";
    static components = { Dialog };
    static props = { close: Function };

    setup() {
        this.pos = usePos();
        this.state = useState({
            query: "",
            results: [],
            searched: false,
            selected: null,
            amount: "",
            error: "",
        });
    }

    async search() {
        this.state.error = "";
        if ((this.state.query || "").trim().length < 2) {
            this.state.error = _t("Type at least 2 characters.");
            return;
        }
        this.state.results = await this.pos.data.call("utility.account", "pos_search", [
            this.state.query,
            this.pos.config.id,
        ]);
        this.state.searched = true;
        this.state.selected = null;
    }

    onKeydown(ev) {
        if (ev.key === "Enter") {
            this.search();
        }
    }

    select(account) {
        this.state.selected = account;
        this.state.error = "";
        this.state.amount = account.balance > 0 ? account.balance.toFixed(2) : "";
    }

    format(amount) {
        return formatCurrency(amount, this.pos.currency);
    }

    async addPayment() {
        const account = this.state.selected;
        const amount = parseFloat(this.state.amount);
        if (!account) {
            this.state.error = _t("Select an account.");
            return;
        }
        if (!(amount > 0)) {
            this.state.error = _t("Enter an amount greater than zero.");
            return;
        }
        await this.pos.addUtilityPayment(account, amount);
        this.props.close();
    }
}
