import { registry } from "@web/core/registry";

/**
 * The customer's visit (issue 18): on their account's page, open a bill's
 * PDF, pay part of the balance with the demo provider, then enrol in autopay.
 * The test checks the payment and the mandate in the books.
 */
registry.category("web_tour.tours").add("utility_portal_pay_tour", {
    steps: () => [
        {
            content: "the account's page",
            trigger: ".o_utility_portal_account .o_utility_portal_balance",
        },
        {
            content: "open the newest bill's PDF",
            trigger: ".o_utility_portal_account a[href*='report_type=pdf']",
            async run() {
                const response = await fetch(this.anchor.getAttribute("href"));
                const type = response.headers.get("Content-Type") || "";
                if (!response.ok || !type.includes("pdf")) {
                    throw new Error(`The bill's PDF did not open (${response.status} ${type})`);
                }
            },
        },
        {
            content: "pay another amount",
            trigger: "#pay_choice_other",
            run: "click",
        },
        {
            content: "part of the balance",
            trigger: "#pay_amount",
            run: "edit 50.00",
        },
        {
            content: "continue to the payment form",
            trigger: ".o_utility_pay_submit",
            run: "click",
        },
        {
            content: "the payment form for $50.00",
            trigger: ".o_utility_portal_pay_page .o_utility_pay_amount:contains(50.00)",
        },
        {
            content: "choose the demo provider",
            trigger: "input[name='o_payment_radio'][data-provider-code='demo']",
            run: "click",
        },
        {
            content: "card number",
            trigger: "#customer_input",
            run: "edit 4242424242424242",
        },
        {
            content: "a successful payment",
            trigger: "#simulated_payment_state",
            run: "select done",
        },
        {
            content: "pay",
            trigger: "button[name='o_payment_submit_button']:enabled",
            run: "click",
        },
        {
            content: "back on the account's page: payment received",
            trigger: ".o_utility_pay_result.alert-success",
            timeout: 30000,
        },
        {
            content: "name on the bank account",
            trigger: "#autopay_holder_name",
            run: "edit Ana Lopez",
        },
        {
            content: "routing number",
            trigger: "#autopay_routing_number",
            run: "edit 021000021",
        },
        {
            content: "bank account number",
            trigger: "#autopay_bank_account_number",
            run: "edit 000123456789",
        },
        {
            content: "bank account number again",
            trigger: "#autopay_bank_account_number_confirm",
            run: "edit 000123456789",
        },
        {
            content: "accept the authorization",
            trigger: "#autopay_authorize",
            run: "check",
        },
        {
            content: "enrol",
            trigger: ".o_utility_autopay_enrol button[type='submit']",
            run: "click",
        },
        {
            content: "enrolled: waiting for the bank check",
            trigger: ".o_utility_autopay_success",
        },
        {
            content: "the bank account number is masked",
            trigger: ".o_utility_autopay_masked:contains(****6789)",
        },
    ],
});
