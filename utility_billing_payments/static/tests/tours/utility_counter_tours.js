import { registry } from "@web/core/registry";
import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as TextInputPopup from "@point_of_sale/../tests/tours/utils/text_input_popup_util";

function payAccount(query, accountNumber, amount) {
    const steps = [
        {
            content: "open the utility payment dialog",
            trigger: ".control-buttons .o_utility_payment_button",
            run: "click",
        },
        {
            content: `search ${query}`,
            trigger: ".modal .o_utility_search",
            run: `edit ${query}`,
        },
        {
            content: "run the search",
            trigger: ".modal .o_utility_search_button",
            run: "click",
        },
        {
            content: `pick account ${accountNumber}`,
            trigger: `.modal .o_utility_result[data-account="${accountNumber}"]`,
            run: "click",
        },
        {
            content: "the open bills are shown",
            trigger: ".modal .o_utility_selected .o_utility_bills",
        },
    ];
    if (amount !== undefined) {
        steps.push({
            content: `amount ${amount}`,
            trigger: ".modal .o_utility_amount",
            run: `edit ${amount}`,
        });
    }
    steps.push({
        content: "add the payment",
        trigger: ".modal .o_utility_add",
        run: "click",
    });
    steps.push({
        content: "the dialog is closed",
        trigger: "body:not(:has(.modal .o_utility_search))",
    });
    return steps;
}

function receiptHasAccount(accountNumber) {
    return {
        content: `receipt shows account ${accountNumber}`,
        trigger: `.pos-receipt .o_utility_receipt_account:contains("Account ${accountNumber}")`,
    };
}

const receiptNumber = {
    content: "receipt shows its counter receipt number",
    trigger: ".pos-receipt .o_utility_receipt_number:contains('Receipt R')",
};

function openRegister() {
    return [...Chrome.startPoS(), Dialog.confirm("Open Register")];
}

// Account TOUR-A owes 60.00 (older bill) + 45.50: paid in full in cash, with
// 110.00 tendered.
registry.category("web_tour.tours").add("UtilityCounterCashTour", {
    steps: () =>
        [
            openRegister(),
            payAccount("TOUR-A", "TOUR-A"),
            ProductScreen.selectedOrderlineHas("Utility Account Payment TOUR-A", "1.00", "105.50"),
            // The numpad does not turn 105.50 into 211.00.
            ProductScreen.clickNumpad("2"),
            Dialog.is({ title: "Utility payment" }),
            Dialog.confirm("Ok"),
            ProductScreen.selectedOrderlineHas("Utility Account Payment TOUR-A", "1.00", "105.50"),
            {
                content: "the counter offers no retail product",
                trigger: ".product-screen:not(:has(.product:contains('Desk')))",
            },
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            // 110.00 tendered: 4.50 change.
            PaymentScreen.clickNumpad("+50 +50"),
            PaymentScreen.selectedPaymentlineHas("Cash", "100.00"),
            PaymentScreen.clickNumpad("+10"),
            PaymentScreen.changeIs("4.50"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            receiptNumber,
            receiptHasAccount("TOUR-A"),
            {
                content: "the receipt names the customer and the service address",
                trigger:
                    ".pos-receipt .o_utility_receipt_account:has(.o_utility_receipt_customer:contains('Alma Tour')):has(.o_utility_receipt_address:contains('TOUR-A Avenida Tour'))",
            },
            {
                content: "no tracking number and no advertisement on a city receipt",
                trigger:
                    ".pos-receipt:not(:has(.tracking-number)):not(:contains('Powered by Odoo'))",
            },
            ReceiptScreen.clickNextOrder(),
        ].flat(2),
});

// Account TOUR-B owes 80.00 (older) + 40.00: 50.00 paid by check number 1234,
// found by the customer's name.
registry.category("web_tour.tours").add("UtilityCounterCheckTour", {
    steps: () =>
        [
            openRegister(),
            payAccount("Bertha Tour", "TOUR-B", "50"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Check"),
            TextInputPopup.inputText("1234"),
            Dialog.confirm("Apply"),
            PaymentScreen.selectedPaymentlineHas("Check", "50.00"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            receiptNumber,
            receiptHasAccount("TOUR-B"),
            {
                content: "the receipt shows the balance left after the payment",
                trigger:
                    ".pos-receipt .o_utility_receipt_account:contains('Remaining balance'):contains('70.00')",
            },
            {
                content: "the check number is on the receipt",
                trigger: ".pos-receipt:contains('Check #1234')",
            },
            ReceiptScreen.clickNextOrder(),
        ].flat(2),
});

// A landlord pays TOUR-C (30.00) and TOUR-D (70.00), and a parking citation
// (50.00, citation C-778899) in one order, by card.
registry.category("web_tour.tours").add("UtilityCounterLandlordTour", {
    steps: () =>
        [
            openRegister(),
            payAccount("TOUR-C", "TOUR-C"),
            payAccount("TOUR-D", "TOUR-D"),
            ProductScreen.clickDisplayedProduct("Parking Citation"),
            TextInputPopup.inputText("C-778899"),
            Dialog.confirm("Apply"),
            ProductScreen.selectedOrderlineHas("Parking Citation #C-778899", "1.00", "50.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.totalIs("150.00"),
            PaymentScreen.clickPaymentMethod("Card"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            receiptNumber,
            receiptHasAccount("TOUR-C"),
            receiptHasAccount("TOUR-D"),
            ReceiptScreen.clickNextOrder(),
        ].flat(2),
});

// The demo database's City Hall Counter: a cashier takes the full balance of
// demo account DEMO0000001 and a parking citation, in cash.
registry.category("web_tour.tours").add("UtilityCounterDemoTour", {
    steps: () =>
        [
            openRegister(),
            payAccount("Maria Ramirez", "DEMO0000001"),
            ProductScreen.clickDisplayedProduct("Parking Citation"),
            TextInputPopup.inputText("PC-2026-0042"),
            Dialog.confirm("Apply"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            receiptNumber,
            receiptHasAccount("DEMO0000001"),
            ReceiptScreen.clickNextOrder(),
        ].flat(2),
});
