//! A LINE Pay Online API v3 simulator.
//!
//! Sources: `provider-notes.md#line-pay-online-api-v3` (endpoints, envelope, return codes per
//! operation), `provider-docs/linepay-capture.txt`, `linepay-payment-details.txt` and
//! `linepay-preapproved-payment.txt` (their return-code tables and examples).
//!
//! The life of a payment, as the simulator keeps it ([`PaymentState`]):
//!
//! ```text
//! request ──> Requested ──confirm──> Authorized (options.payment.capture = false) ──capture──> Captured
//!                                  └─> Captured   (capture true, the default)          void──> Voided
//! Captured ──refund (partial, any number)──> Captured with refunds, until nothing is left to refund
//! ```
//!
//! The user's approval in the LINE app is a control of the test ([`Simulator::approve`],
//! [`Simulator::cancel`]), or automatic with [`Simulator::auto_approve`]. Until then Check Payment
//! Status answers `0000` (waiting) and Confirm `1169`; after approval `0110`; a payment the user
//! cancelled, or left unapproved for 20 minutes (the notes), answers `0121` and Confirm `1180`.
//! An authorization lapses 7 days after Confirm: Payment Details then shows `EXPIRED_AUTHORIZATION`
//! and Capture answers `1179`. Time is a logical clock (one second per call; [`Simulator::advance`]
//! moves it further). A PREAPPROVED
//! request gets a regKey at Confirm (`RK` + 14 digits); Pay Preapproved creates a new payment from it
//! until the regKey is expired.
//!
//! Every answer is HTTP 200 with `{returnCode, returnMessage, info}` (the notes' envelope). Transaction
//! and refund ids are 19 digits, counted up from 2021121300698360310 (the id of the provider docs'
//! examples) and sent as bare JSON numbers, which is how LINE Pay sends them.
//!
//! Which code answers which illegal step (the code tables list the codes per operation without saying
//! which situation produces which; where a choice was needed it is said here):
//!
//! | situation | code | source |
//! |---|---|---|
//! | unknown transaction on confirm, capture, void, refund, details, check payment status | 1150 | "Cannot find the transaction history" |
//! | confirm twice | 1152 | confirm: transaction already completed |
//! | confirm with another amount or currency | 1153 | confirm: amount differs from the request |
//! | capture or pay preapproved amount 0 or less, request amount 0 or less (0 is allowed for PREAPPROVED) | 1183 | "The payment amount should be greater than 0." |
//! | capture above the authorized amount | 1184 | capture page: "The payment amount exceeds requested amount." |
//! | capture of a transaction that is not an open authorization (captured twice, voided, not confirmed), or in another currency | 1179 | "Unable to proceed the transaction." (choice: the capture page names no code for it) |
//! | refund of a transaction that is not captured | 1179 | as above (choice) |
//! | refund above what is left | 1164 | refund: "refund amount exceeded" |
//! | refund when everything is refunded | 1165 | "already refunded" |
//! | void of a captured or unconfirmed transaction | 1155 | "Wrong transaction number" (choice); void twice: 1165 |
//! | amount with more decimals than the currency has (JPY 0, others 2, ISO 4217) | 1124 | "Error in Amount (scale)" |
//! | request with an orderId used before, pay preapproved likewise | 1172 | "A record of transaction with the same order number already exists." |
//! | request in a currency other than USD, JPY, TWD, THB | 1178 | request: currency not supported |
//! | regKey that does not exist / is expired (check, pay, expire) | 1190 / 1193 | preapproved page |
//! | more than 100 ids in payment details | 1177 | payment details page |
//! | body that is not JSON / lacks a required field or breaks a sum rule | 2102 / 2101 | request codes (2101 also for a refund amount of 0 or less: the refund table has no better code) |

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

pub use super::money::Money;
use super::money::MoneyError;
use super::{Answer, Clock, Outcome, iso8601, query_pairs, segments};

/// The first transaction id the simulator hands out; later ids count up from it.
pub const FIRST_TRANSACTION_ID: u64 = 2_021_121_300_698_360_310;

/// An amount of a request in the currency's minor unit; `Err` with the return code (2101 for what is
/// not a number, 1124 for more decimals than the currency has).
fn money(value: &Value, currency: &str) -> Result<Money, &'static str> {
    Money::from_decimal(value, currency).map_err(|e| match e {
        MoneyError::Malformed => "2101",
        MoneyError::Scale => "1124",
    })
}

/// How long a requested payment waits for the user (the notes: 20 minutes).
pub const APPROVAL_WINDOW_SECONDS: u64 = 20 * 60;
/// How long an authorization holds in the simulator.
pub const AUTHORIZATION_SECONDS: u64 = 7 * 86_400;

/// Where a payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentState {
    /// Requested; waiting for the user's approval (see [`Payment::approved`]) and then for Confirm.
    Requested,
    /// The user cancelled it, or did not approve it in time: it is over.
    Cancelled,
    /// An authorization that lapsed before it was captured or voided.
    Expired,
    /// Confirmed with capture false: authorized, waiting for Capture or Void.
    Authorized,
    /// Confirmed with capture true, or captured; refunds may follow.
    Captured,
    /// An authorization released with Void.
    Voided,
}

/// One refund of a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    pub id: u64,
    pub amount: Money,
    /// True when it refunded everything that was left (`PAYMENT_REFUND`), else `PARTIAL_REFUND`.
    pub full: bool,
    pub date: String,
}

/// A payment as the simulator remembers it.
#[derive(Debug, Clone, PartialEq)]
pub struct Payment {
    pub id: u64,
    pub order_id: String,
    pub currency: String,
    /// The requested amount.
    pub amount: Money,
    pub product_name: String,
    /// `packages` as they were requested, echoed by Payment Details.
    pub packages: Value,
    /// `options.payment.capture` (default true).
    pub capture: bool,
    pub preapproved: bool,
    pub state: PaymentState,
    /// The user approved it in the LINE app.
    pub approved: bool,
    /// Logical time of the request.
    pub requested_at: u64,
    /// Logical time the authorization lapses (set at Confirm).
    pub authorization_expires_at: u64,
    pub authorized: Money,
    pub captured: Money,
    pub refunds: Vec<Refund>,
    /// The regKey Confirm issued (PREAPPROVED), or the one Pay Preapproved charged.
    pub reg_key: Option<String>,
    pub date: String,
    pub authorization_expire_date: String,
    /// The request's `redirectUrls.confirmUrl`, where the user's browser goes after approval.
    pub confirm_url: String,
}

impl Payment {
    /// What is still refundable: captured minus refunded.
    pub fn refundable(&self) -> Money {
        self.captured - self.refunds.iter().map(|r| r.amount).sum()
    }
}

/// A regKey and whether it still works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegKey {
    pub expired: bool,
    pub currency: String,
    /// The payment whose Confirm issued it (none for a key seeded by hand).
    pub origin: Option<u64>,
}

/// The LINE Pay simulator. See the module documentation for its rules.
#[derive(Debug, Clone)]
pub struct Simulator {
    clock: Clock,
    /// Requested payments count as approved by the user at once.
    pub auto_approve: bool,
    next_id: u64,
    next_reg_key: u64,
    payments: BTreeMap<u64, Payment>,
    /// Refund transaction id -> the payment it refunds.
    refund_ids: BTreeMap<u64, u64>,
    reg_keys: BTreeMap<String, RegKey>,
    order_ids: BTreeSet<String>,
}

impl Default for Simulator {
    fn default() -> Self {
        Simulator {
            clock: Clock::default(),
            auto_approve: false,
            next_id: FIRST_TRANSACTION_ID,
            next_reg_key: 1,
            payments: BTreeMap::new(),
            refund_ids: BTreeMap::new(),
            reg_keys: BTreeMap::new(),
            order_ids: BTreeSet::new(),
        }
    }
}

/// The documented meaning of each code the simulator answers, as `returnMessage`.
fn message(code: &str) -> &'static str {
    match code {
        "0000" => "Success.",
        "0110" => "Authorized.",
        "0121" => "Cancelled or timed out.",
        "0123" => "Completed.",
        "1124" => "Error in Amount (scale).",
        "1150" => "Cannot find the transaction history.",
        "1152" => "The transaction has already been completed.",
        "1153" => "The amount differs from the requested amount.",
        "1155" => "Wrong transaction number.",
        "1164" => "The refund amount exceeds the refundable amount.",
        "1165" => "The transaction has already been refunded.",
        "1172" => "A record of transaction with the same order number already exists.",
        "1177" => "The number of transactions exceeds the maximum (100).",
        "1178" => "The currency is not supported by the merchant.",
        "1179" => "Unable to proceed the transaction.",
        "1183" => "The payment amount should be greater than 0.",
        "1184" => "The payment amount exceeds requested amount.",
        "1190" => "The regKey does not exist.",
        "1193" => "The regKey expired.",
        "2101" => "Parameter error.",
        "2102" => "JSON data format error.",
        _ => "Error.",
    }
}

fn reply(code: &str, info: Option<Value>) -> Answer {
    let mut body = json!({"returnCode": code, "returnMessage": message(code)});
    if let Some(info) = info {
        body["info"] = info;
    }
    Answer::json(200, &body)
}

fn ok(info: Value) -> Answer {
    reply("0000", Some(info))
}

fn fail(code: &str) -> Answer {
    reply(code, None)
}

const CURRENCIES: [&str; 4] = ["USD", "JPY", "TWD", "THB"];

/// The body as a JSON object, or the code for a body that is not one.
fn object(body: &[u8]) -> Result<Map<String, Value>, &'static str> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err("2102"),
    }
}

fn text<'a>(map: &'a Map<String, Value>, key: &str) -> Result<&'a str, &'static str> {
    map.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).ok_or("2101")
}

impl Simulator {
    /// Answers one call. `path` starts with `/v3/`; `query` is the raw query string without `?`.
    pub fn handle(&mut self, method: &str, path: &str, query: &str, body: &[u8]) -> Answer {
        let now = self.clock.tick();
        self.lapse(now);
        let segments = segments(path);
        let s: Vec<&str> = segments.iter().map(String::as_str).collect();
        let result = match (method, s.as_slice()) {
            ("POST", ["v3", "payments", "request"]) => self.request(body, now),
            ("GET", ["v3", "payments", "requests", id, "check"]) => self.check_payment_status(id),
            ("POST", ["v3", "payments", id, "confirm"]) => self.confirm(id, body, now),
            ("POST", ["v3", "payments", "authorizations", id, "capture"]) => self.capture(id, body),
            ("POST", ["v3", "payments", "authorizations", id, "void"]) => self.void(id),
            ("POST", ["v3", "payments", id, "refund"]) => self.refund(id, body, now),
            ("GET", ["v3", "payments"]) => self.payment_details(query),
            ("GET", ["v3", "payments", "preapprovedPay", key, "check"]) => self.check_reg_key(key),
            ("POST", ["v3", "payments", "preapprovedPay", key, "payment"]) => self.pay_preapproved(key, body, now),
            ("POST", ["v3", "payments", "preapprovedPay", key, "expire"]) => self.expire_reg_key(key),
            _ => return Answer::not_found("LINE Pay", method, path),
        };
        result.unwrap_or_else(|refusal| fail(refusal.code))
    }

    /// The user approves a requested payment in the LINE app. `Err` with the reason when there is no
    /// such payment or it is not waiting for approval.
    pub fn approve(&mut self, id: u64) -> Result<(), String> {
        self.lapse(self.clock.seconds);
        match self.payments.get_mut(&id) {
            Some(p) if p.state == PaymentState::Requested && !p.approved => {
                p.approved = true;
                Ok(())
            }
            Some(p) => {
                Err(format!("payment {id} is not waiting for approval ({:?}, approved: {})", p.state, p.approved))
            }
            None => Err(format!("no payment {id}")),
        }
    }

    /// The approved payment's `confirmUrl`, with its order id, for the redirect after approval.
    /// `Err` when there is no such payment or the user has not approved it.
    pub fn approved_redirect(&self, id: u64) -> Result<(&str, &str), String> {
        match self.payments.get(&id) {
            Some(p) if p.approved && !p.confirm_url.is_empty() => Ok((&p.confirm_url, &p.order_id)),
            Some(_) => Err(format!("payment {id} is not approved: LINE Pay redirects only after approval")),
            None => Err(format!("no payment {id}")),
        }
    }

    /// The user cancels a requested payment in the LINE app (before Confirm).
    pub fn cancel(&mut self, id: u64) -> Result<(), String> {
        self.lapse(self.clock.seconds);
        match self.payments.get_mut(&id) {
            Some(p) if p.state == PaymentState::Requested => {
                p.state = PaymentState::Cancelled;
                Ok(())
            }
            Some(p) => Err(format!("payment {id} cannot be cancelled by the user: it is {:?}", p.state)),
            None => Err(format!("no payment {id}")),
        }
    }

    /// LINE Pay expires a regKey on its side (the card was removed, say): it then answers 1193.
    pub fn expire_reg_key_now(&mut self, key: &str) -> Result<(), String> {
        match self.reg_keys.get_mut(key) {
            Some(k) => {
                k.expired = true;
                Ok(())
            }
            None => Err(format!("no regKey {key}")),
        }
    }

    /// Moves the logical clock forward: unapproved requests time out, authorizations lapse.
    pub fn advance(&mut self, seconds: u64) {
        self.clock.seconds += seconds;
        self.lapse(self.clock.seconds);
    }

    /// Logical now, in Unix seconds.
    pub fn now(&self) -> u64 {
        self.clock.seconds
    }

    fn lapse(&mut self, now: u64) {
        for p in self.payments.values_mut() {
            match p.state {
                PaymentState::Requested if now > p.requested_at + APPROVAL_WINDOW_SECONDS => {
                    p.state = PaymentState::Cancelled;
                }
                PaymentState::Authorized if now > p.authorization_expires_at => p.state = PaymentState::Expired,
                _ => {}
            }
        }
    }

    /// A payment by id, for assertions.
    pub fn payment(&self, id: u64) -> Option<&Payment> {
        self.payments.get(&id)
    }

    /// A regKey by its text, for assertions.
    pub fn reg_key(&self, key: &str) -> Option<&RegKey> {
        self.reg_keys.get(key)
    }

    /// Adds a confirmed authorization (capture false) of `amount` whole units, as if it had been
    /// requested and confirmed; returns its transaction id.
    pub fn seed_authorization(&mut self, order_id: &str, amount: i64, currency: &str) -> u64 {
        let now = self.clock.tick();
        let id = self.new_id();
        let mut payment =
            self.new_payment(id, order_id, currency, Money::units(amount, currency), "seeded payment", now);
        payment.capture = false;
        payment.state = PaymentState::Authorized;
        payment.approved = true;
        payment.authorized = payment.amount;
        self.order_ids.insert(order_id.to_owned());
        self.payments.insert(id, payment);
        id
    }

    /// Adds a regKey by hand, usable or already expired.
    pub fn seed_reg_key(&mut self, key: &str, currency: &str, expired: bool) {
        self.reg_keys.insert(key.to_owned(), RegKey { expired, currency: currency.to_owned(), origin: None });
    }

    fn new_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn new_payment(&self, id: u64, order_id: &str, currency: &str, amount: Money, product: &str, now: u64) -> Payment {
        Payment {
            id,
            order_id: order_id.to_owned(),
            currency: currency.to_owned(),
            amount,
            product_name: product.to_owned(),
            packages: Value::Array(Vec::new()),
            capture: true,
            preapproved: false,
            state: PaymentState::Requested,
            approved: self.auto_approve,
            requested_at: now,
            authorization_expires_at: now + AUTHORIZATION_SECONDS,
            authorized: Money::default(),
            captured: Money::default(),
            refunds: Vec::new(),
            reg_key: None,
            date: iso8601(now, 0),
            authorization_expire_date: iso8601(now + AUTHORIZATION_SECONDS, 0),
            confirm_url: String::new(),
        }
    }

    fn find(&mut self, id: &str) -> Result<&mut Payment, &'static str> {
        let id: u64 = id.parse().map_err(|_| "1150")?;
        self.payments.get_mut(&id).ok_or("1150")
    }

    /// POST /v3/payments/request
    fn request(&mut self, body: &[u8], now: u64) -> Outcome {
        let request = object(body)?;
        let currency = text(&request, "currency")?.to_owned();
        let order_id = text(&request, "orderId")?.to_owned();
        let packages = request.get("packages").and_then(Value::as_array).filter(|p| !p.is_empty()).ok_or("2101")?;
        let redirect = request.get("redirectUrls").ok_or("2101")?;
        let confirm_url = text(redirect.as_object().ok_or("2101")?, "confirmUrl")?.to_owned();
        if !CURRENCIES.contains(&currency.as_str()) {
            return Err("1178".into());
        }
        let amount = money(request.get("amount").ok_or("2101")?, &currency)?;
        let payment_options = request.get("options").and_then(|o| o.get("payment"));
        let preapproved = payment_options.and_then(|p| p.get("payType")).and_then(Value::as_str) == Some("PREAPPROVED");
        let capture = payment_options.and_then(|p| p.get("capture")).and_then(Value::as_bool).unwrap_or(true);
        // The notes: a preapproved request may carry a package of amount 0.
        if amount.0 < 0 || (amount.0 == 0 && !preapproved) {
            return Err("1183".into());
        }
        // The documented sum rules: packages add up to amount, products (quantity x price) to each package.
        let mut packages_sum = 0;
        let mut product_name = None;
        for package in packages {
            let package_amount = money(package.get("amount").ok_or("2101")?, &currency)?;
            packages_sum += package_amount.0;
            let products = package.get("products").and_then(Value::as_array).ok_or("2101")?;
            let mut products_sum = 0;
            for product in products {
                let quantity = product.get("quantity").and_then(Value::as_i64).ok_or("2101")?;
                let price = money(product.get("price").ok_or("2101")?, &currency)?;
                products_sum += quantity * price.0;
                product_name = product_name.or(product.get("name").and_then(Value::as_str));
            }
            if products_sum != package_amount.0 {
                return Err("2101".into());
            }
        }
        if packages_sum != amount.0 {
            return Err("2101".into());
        }
        if self.order_ids.contains(&order_id) {
            return Err("1172".into());
        }
        let id = self.new_id();
        let mut payment = self.new_payment(id, &order_id, &currency, amount, product_name.unwrap_or_default(), now);
        payment.packages = Value::Array(packages.clone());
        payment.confirm_url = confirm_url;
        payment.capture = capture;
        payment.preapproved = preapproved;
        self.order_ids.insert(order_id);
        self.payments.insert(id, payment);
        let token = format!("{:012}", id % 1_000_000_000_000);
        Ok(ok(json!({
            "paymentUrl": {
                "web": format!("https://sandbox-web-pay.line.me/web/payment/wait?transactionReserveId=fake{id}"),
                "app": format!("line://pay/payment/fake{id}"),
            },
            "transactionId": id,
            "paymentAccessToken": token,
        })))
    }

    /// GET /v3/payments/requests/{transactionId}/check
    fn check_payment_status(&mut self, id: &str) -> Outcome {
        let payment = self.find(id)?;
        let code = match payment.state {
            PaymentState::Requested if payment.approved => "0110",
            // Waiting for the user: the provider's success code, with no info.
            PaymentState::Requested => "0000",
            PaymentState::Authorized | PaymentState::Captured | PaymentState::Expired => "0123",
            PaymentState::Voided | PaymentState::Cancelled => "0121",
        };
        Ok(reply(code, None))
    }

    /// POST /v3/payments/{transactionId}/confirm
    fn confirm(&mut self, id: &str, body: &[u8], now: u64) -> Outcome {
        let request = object(body)?;
        let currency = text(&request, "currency")?.to_owned();
        let amount = money(request.get("amount").ok_or("2101")?, &currency)?;
        let payment = self.find(id)?;
        match payment.state {
            PaymentState::Requested if !payment.approved => return Err("1169".into()),
            PaymentState::Requested => {}
            PaymentState::Cancelled => return Err("1180".into()),
            _ => return Err("1152".into()),
        }
        if amount != payment.amount || currency != payment.currency {
            return Err("1153".into());
        }
        if payment.capture {
            payment.state = PaymentState::Captured;
            payment.captured = amount;
        } else {
            payment.state = PaymentState::Authorized;
        }
        payment.authorized = amount;
        payment.date = iso8601(now, 0);
        payment.authorization_expires_at = now + AUTHORIZATION_SECONDS;
        payment.authorization_expire_date = iso8601(now + AUTHORIZATION_SECONDS, 0);
        let (pid, preapproved) = (payment.id, payment.preapproved);
        let mut info = json!({
            "orderId": payment.order_id,
            "transactionId": payment.id,
            "payInfo": [{"method": "CREDIT_CARD", "amount": amount.to_decimal(&payment.currency)}],
        });
        if !payment.capture {
            info["authorizationExpireDate"] = payment.authorization_expire_date.clone().into();
        }
        let packages: Vec<Value> = payment
            .packages
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| json!({"id": p.get("id"), "amount": p.get("amount")}))
            .collect();
        info["packages"] = Value::Array(packages);
        if preapproved {
            let key = format!("RK{:014}", self.next_reg_key);
            self.next_reg_key += 1;
            self.reg_keys.insert(key.clone(), RegKey { expired: false, currency, origin: Some(pid) });
            if let Some(p) = self.payments.get_mut(&pid) {
                p.reg_key = Some(key.clone());
            }
            info["regKey"] = key.into();
            info["payInfo"][0]["creditCardNickname"] = "".into();
            info["payInfo"][0]["creditCardBrand"] = "VISA".into();
            info["payInfo"][0]["maskedCreditCardNumber"] = "************1111".into();
        }
        Ok(ok(info))
    }

    /// POST /v3/payments/authorizations/{transactionId}/capture
    fn capture(&mut self, id: &str, body: &[u8]) -> Outcome {
        let payment = self.find(id)?;
        let request = object(body)?;
        let currency = text(&request, "currency")?;
        let amount = money(request.get("amount").ok_or("2101")?, currency)?;
        if amount.0 <= 0 {
            return Err("1183".into());
        }
        if payment.state != PaymentState::Authorized || currency != payment.currency {
            return Err("1179".into());
        }
        if amount > payment.authorized {
            return Err("1184".into());
        }
        payment.state = PaymentState::Captured;
        payment.captured = amount;
        Ok(ok(json!({
            "orderId": payment.order_id,
            "transactionId": payment.id,
            "payInfo": [{"method": "CREDIT_CARD", "amount": amount.to_decimal(&payment.currency)}],
        })))
    }

    /// POST /v3/payments/authorizations/{transactionId}/void
    fn void(&mut self, id: &str) -> Outcome {
        let payment = self.find(id)?;
        match payment.state {
            PaymentState::Authorized => {
                payment.state = PaymentState::Voided;
                Ok(reply("0000", None))
            }
            PaymentState::Voided => Err("1165".into()),
            PaymentState::Requested | PaymentState::Captured | PaymentState::Cancelled | PaymentState::Expired => {
                Err("1155".into())
            }
        }
    }

    /// POST /v3/payments/{transactionId}/refund
    fn refund(&mut self, id: &str, body: &[u8], now: u64) -> Outcome {
        let request = if body.is_empty() { Map::new() } else { object(body)? };
        let refund_id = self.next_id;
        let payment = self.find(id)?;
        if payment.state != PaymentState::Captured {
            return Err("1179".into());
        }
        let left = payment.refundable();
        if left.0 == 0 {
            return Err("1165".into());
        }
        let amount = match request.get("refundAmount") {
            None | Some(Value::Null) => left,
            Some(value) => money(value, &payment.currency)?,
        };
        if amount.0 <= 0 {
            return Err("2101".into());
        }
        if amount > left {
            return Err("1164".into());
        }
        let date = iso8601(now, 0);
        payment.refunds.push(Refund { id: refund_id, amount, full: amount == left, date: date.clone() });
        let pid = payment.id;
        self.next_id += 1;
        self.refund_ids.insert(refund_id, pid);
        Ok(ok(json!({"refundTransactionId": refund_id, "refundTransactionDate": date})))
    }

    /// GET /v3/payments?transactionId=..&orderId=..&fields=..
    fn payment_details(&mut self, query: &str) -> Outcome {
        let pairs = query_pairs(query);
        let values = |name: &str| pairs.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect::<Vec<_>>();
        let (ids, orders) = (values("transactionId"), values("orderId"));
        if ids.len() > 100 || orders.len() > 100 {
            return Err("1177".into());
        }
        let fields = values("fields").pop().unwrap_or_else(|| "ALL".into());
        let (transaction, order) = (fields != "ORDER", fields != "TRANSACTION");
        let mut found: Vec<Value> = Vec::new();
        let mut seen = BTreeSet::new();
        let confirmed = |p: &&Payment| !matches!(p.state, PaymentState::Requested | PaymentState::Cancelled);
        for id in ids.iter().filter_map(|id| id.parse::<u64>().ok()) {
            if let Some(payment) = self.payments.get(&id).filter(confirmed) {
                if seen.insert(id) {
                    found.push(details(payment, transaction, order));
                }
            } else if let Some(payment) = self.refund_ids.get(&id).and_then(|p| self.payments.get(p)) {
                if let Some(refund) = payment.refunds.iter().find(|r| r.id == id).filter(|_| seen.insert(id)) {
                    found.push(refund_details(payment, refund, transaction));
                }
            }
        }
        for payment in self.payments.values().filter(confirmed).filter(|p| orders.contains(&p.order_id)) {
            if seen.insert(payment.id) {
                found.push(details(payment, transaction, order));
            }
        }
        if found.is_empty() {
            return Err("1150".into());
        }
        Ok(ok(Value::Array(found)))
    }

    fn usable_reg_key(&self, key: &str) -> Result<&RegKey, &'static str> {
        match self.reg_keys.get(key) {
            None => Err("1190"),
            Some(k) if k.expired => Err("1193"),
            Some(k) => Ok(k),
        }
    }

    /// GET /v3/payments/preapprovedPay/{regKey}/check
    fn check_reg_key(&mut self, key: &str) -> Outcome {
        self.usable_reg_key(key)?;
        Ok(reply("0000", None))
    }

    /// POST /v3/payments/preapprovedPay/{regKey}/payment
    fn pay_preapproved(&mut self, key: &str, body: &[u8], now: u64) -> Outcome {
        self.usable_reg_key(key)?;
        let request = object(body)?;
        let product = text(&request, "productName")?.to_owned();
        let currency = text(&request, "currency")?.to_owned();
        let order_id = text(&request, "orderId")?.to_owned();
        let amount = money(request.get("amount").ok_or("2101")?, &currency)?;
        let capture = request.get("capture").and_then(Value::as_bool).unwrap_or(true);
        if amount.0 <= 0 {
            return Err("1183".into());
        }
        if self.order_ids.contains(&order_id) {
            return Err("1172".into());
        }
        let id = self.new_id();
        let mut payment = self.new_payment(id, &order_id, &currency, amount, &product, now);
        payment.capture = capture;
        payment.approved = true;
        payment.authorized = amount;
        payment.reg_key = Some(key.to_owned());
        if capture {
            payment.state = PaymentState::Captured;
            payment.captured = amount;
        } else {
            payment.state = PaymentState::Authorized;
        }
        let mut info = json!({"orderId": order_id, "transactionId": id, "transactionDate": payment.date});
        if !capture {
            info["authorizationExpireDate"] = payment.authorization_expire_date.clone().into();
        }
        self.order_ids.insert(order_id);
        self.payments.insert(id, payment);
        Ok(ok(info))
    }

    /// POST /v3/payments/preapprovedPay/{regKey}/expire
    fn expire_reg_key(&mut self, key: &str) -> Outcome {
        self.usable_reg_key(key)?;
        if let Some(k) = self.reg_keys.get_mut(key) {
            k.expired = true;
        }
        Ok(reply("0000", None))
    }
}

/// One Payment Details entry for a payment (`transactionType` PAYMENT).
fn details(payment: &Payment, transaction: bool, order: bool) -> Value {
    let mut entry = json!({"transactionId": payment.id, "orderId": payment.order_id});
    if transaction {
        let (status, paid) = match payment.state {
            PaymentState::Authorized => ("AUTHORIZATION", payment.authorized),
            PaymentState::Voided => ("VOIDED_AUTHORIZATION", payment.authorized),
            PaymentState::Expired => ("EXPIRED_AUTHORIZATION", payment.authorized),
            PaymentState::Captured | PaymentState::Requested | PaymentState::Cancelled => ("CAPTURE", payment.captured),
        };
        entry["transactionDate"] = payment.date.clone().into();
        entry["transactionType"] = "PAYMENT".into();
        entry["payStatus"] = status.into();
        entry["productName"] = payment.product_name.clone().into();
        entry["currency"] = payment.currency.clone().into();
        entry["payInfo"] = json!([{"method": "CREDIT_CARD", "amount": paid.to_decimal(&payment.currency)}]);
        if payment.state == PaymentState::Authorized {
            entry["authorizationExpireDate"] = payment.authorization_expire_date.clone().into();
        }
        if !payment.refunds.is_empty() {
            // The payment details page: refunds are listed with negative amounts.
            let refunds: Vec<Value> = payment
                .refunds
                .iter()
                .map(|r| {
                    json!({
                        "refundTransactionId": r.id,
                        "transactionType": if r.full { "PAYMENT_REFUND" } else { "PARTIAL_REFUND" },
                        "refundAmount": (-r.amount).to_decimal(&payment.currency),
                        "refundTransactionDate": r.date,
                    })
                })
                .collect();
            entry["refundList"] = Value::Array(refunds);
        }
    }
    if order {
        entry["packages"] = payment.packages.clone();
    }
    entry
}

/// One Payment Details entry for a refund transaction, pointing at the payment it refunds.
fn refund_details(payment: &Payment, refund: &Refund, transaction: bool) -> Value {
    let mut entry = json!({"transactionId": refund.id, "orderId": payment.order_id});
    if transaction {
        entry["transactionDate"] = refund.date.clone().into();
        entry["transactionType"] = if refund.full { "PAYMENT_REFUND" } else { "PARTIAL_REFUND" }.into();
        entry["originalTransactionId"] = payment.id.into();
        entry["currency"] = payment.currency.clone().into();
        entry["productName"] = payment.product_name.clone().into();
        entry["payInfo"] = json!([{"method": "CREDIT_CARD", "amount": (-refund.amount).to_decimal(&payment.currency)}]);
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(answer: &Answer) -> String {
        answer.value()["returnCode"].as_str().unwrap_or_default().to_owned()
    }

    fn post(sim: &mut Simulator, path: &str, body: Value) -> Answer {
        sim.handle("POST", path, "", body.to_string().as_bytes())
    }

    fn request(sim: &mut Simulator, order: &str, amount: i64, options: Value) -> u64 {
        let body = json!({
            "amount": amount, "currency": "TWD", "orderId": order,
            "packages": [{"id": "p1", "amount": amount, "products": [{"name": "Tea", "quantity": 1, "price": amount}]}],
            "redirectUrls": {"confirmUrl": "https://example.com/ok", "cancelUrl": "https://example.com/no"},
            "options": options,
        });
        let answer = post(sim, "/v3/payments/request", body);
        assert_eq!(code(&answer), "0000", "{}", answer.body);
        let id = answer.value()["info"]["transactionId"].as_u64().expect("a u64 id");
        sim.approve(id).expect("the user approves");
        id
    }

    fn authorized(sim: &mut Simulator, order: &str, amount: i64) -> u64 {
        let id = request(sim, order, amount, json!({"payment": {"capture": false}}));
        let answer = post(sim, &format!("/v3/payments/{id}/confirm"), json!({"amount": amount, "currency": "TWD"}));
        assert_eq!(code(&answer), "0000", "{}", answer.body);
        id
    }

    #[test]
    fn ids_are_19_digit_bare_numbers_counting_up() {
        let mut sim = Simulator::default();
        let first = request(&mut sim, "o-1", 100, json!({}));
        let second = request(&mut sim, "o-2", 100, json!({}));
        assert_eq!((first, second), (FIRST_TRANSACTION_ID, FIRST_TRANSACTION_ID + 1));
        let answer =
            post(&mut sim, &format!("/v3/payments/{first}/confirm"), json!({"amount": 100, "currency": "TWD"}));
        assert!(answer.body.contains(r#""transactionId":2021121300698360310"#), "{}", answer.body);
    }

    #[test]
    fn confirm_waits_for_the_user_and_requests_time_out() {
        let mut sim = Simulator::default();
        let body = |order: &str| {
            json!({
                "amount": 100, "currency": "TWD", "orderId": order,
                "packages": [{"id": "p1", "amount": 100, "products": [{"name": "Tea", "quantity": 1, "price": 100}]}],
                "redirectUrls": {"confirmUrl": "https://example.com/ok", "cancelUrl": "https://example.com/no"},
            })
        };
        let confirm = json!({"amount": 100, "currency": "TWD"});
        let id = post(&mut sim, "/v3/payments/request", body("o-1")).value()["info"]["transactionId"].as_u64().unwrap();
        let check =
            |sim: &mut Simulator| code(&sim.handle("GET", &format!("/v3/payments/requests/{id}/check"), "", b""));
        assert_eq!(check(&mut sim), "0000", "waiting for the user");
        assert_eq!(code(&post(&mut sim, &format!("/v3/payments/{id}/confirm"), confirm.clone())), "1169");
        sim.approve(id).unwrap();
        assert_eq!(check(&mut sim), "0110");
        assert!(sim.approve(id).is_err(), "approved once");

        let late =
            post(&mut sim, "/v3/payments/request", body("o-2")).value()["info"]["transactionId"].as_u64().unwrap();
        sim.advance(APPROVAL_WINDOW_SECONDS);
        assert_eq!(code(&post(&mut sim, &format!("/v3/payments/{late}/confirm"), confirm.clone())), "1180");
        assert_eq!(sim.payment(late).map(|p| p.state), Some(PaymentState::Cancelled));
        assert!(sim.approve(late).is_err(), "too late to approve");

        let cancelled =
            post(&mut sim, "/v3/payments/request", body("o-3")).value()["info"]["transactionId"].as_u64().unwrap();
        sim.cancel(cancelled).unwrap();
        assert_eq!(code(&post(&mut sim, &format!("/v3/payments/{cancelled}/confirm"), confirm)), "1180");
    }

    #[test]
    fn authorizations_lapse_after_seven_days() {
        let mut sim = Simulator::default();
        let id = authorized(&mut sim, "o-1", 1000);
        sim.advance(AUTHORIZATION_SECONDS + 1);
        let capture = format!("/v3/payments/authorizations/{id}/capture");
        assert_eq!(code(&post(&mut sim, &capture, json!({"amount": 1000, "currency": "TWD"}))), "1179");
        let details = sim.handle("GET", "/v3/payments", &format!("transactionId={id}"), b"");
        assert_eq!(details.value()["info"][0]["payStatus"], "EXPIRED_AUTHORIZATION");
    }

    #[test]
    fn capture_is_allowed_once_and_up_to_the_authorized_amount() {
        let mut sim = Simulator::default();
        let id = authorized(&mut sim, "o-1", 1000);
        let capture = format!("/v3/payments/authorizations/{id}/capture");
        assert_eq!(code(&post(&mut sim, &capture, json!({"amount": 1001, "currency": "TWD"}))), "1184");
        assert_eq!(code(&post(&mut sim, &capture, json!({"amount": 0, "currency": "TWD"}))), "1183");
        assert_eq!(sim.payment(id).map(|p| p.state), Some(PaymentState::Authorized), "failed steps change nothing");
        assert_eq!(code(&post(&mut sim, &capture, json!({"amount": 1000, "currency": "TWD"}))), "0000");
        assert_eq!(code(&post(&mut sim, &capture, json!({"amount": 1000, "currency": "TWD"}))), "1179");
        let unknown = "/v3/payments/authorizations/2021121300698369999/capture";
        assert_eq!(code(&post(&mut sim, unknown, json!({"amount": 1, "currency": "TWD"}))), "1150");
    }

    #[test]
    fn refunds_stop_at_what_was_captured() {
        let mut sim = Simulator::default();
        let id = authorized(&mut sim, "o-1", 1000);
        let refund = format!("/v3/payments/{id}/refund");
        assert_eq!(code(&post(&mut sim, &refund, json!({"refundAmount": 1}))), "1179", "not captured yet");
        post(&mut sim, &format!("/v3/payments/authorizations/{id}/capture"), json!({"amount": 600, "currency": "TWD"}));
        assert_eq!(code(&post(&mut sim, &refund, json!({"refundAmount": 601}))), "1164");
        assert_eq!(code(&post(&mut sim, &refund, json!({"refundAmount": 100}))), "0000");
        assert_eq!(code(&post(&mut sim, &refund, json!({"refundAmount": 501}))), "1164");
        assert_eq!(code(&post(&mut sim, &refund, json!({}))), "0000", "the rest, 500");
        assert_eq!(code(&post(&mut sim, &refund, json!({}))), "1165");
        let payment = sim.payment(id).expect("payment");
        assert_eq!(
            payment.refunds.iter().map(|r| (r.amount, r.full)).collect::<Vec<_>>(),
            [(Money::units(100, "TWD"), false), (Money::units(500, "TWD"), true)]
        );
    }

    #[test]
    fn confirm_checks_state_and_amount() {
        let mut sim = Simulator::default();
        let id = request(&mut sim, "o-1", 100, json!({}));
        let confirm = format!("/v3/payments/{id}/confirm");
        assert_eq!(code(&post(&mut sim, &confirm, json!({"amount": 99, "currency": "TWD"}))), "1153");
        assert_eq!(code(&post(&mut sim, &confirm, json!({"amount": 100, "currency": "TWD"}))), "0000");
        assert_eq!(code(&post(&mut sim, &confirm, json!({"amount": 100, "currency": "TWD"}))), "1152");
        assert_eq!(code(&post(&mut sim, "/v3/payments/request", json!({"amount": 1}))), "2101");
        assert_eq!(code(&sim.handle("POST", "/v3/payments/request", "", b"{")), "2102");
    }

    #[test]
    fn reg_keys_work_until_expired() {
        let mut sim = Simulator::default();
        let id = request(&mut sim, "o-1", 100, json!({"payment": {"payType": "PREAPPROVED"}}));
        let answer = post(&mut sim, &format!("/v3/payments/{id}/confirm"), json!({"amount": 100, "currency": "TWD"}));
        let key = answer.value()["info"]["regKey"].as_str().expect("regKey").to_owned();
        assert!(key.starts_with("RK") && key[2..].bytes().all(|b| b.is_ascii_digit()), "{key}");
        let pay = |sim: &mut Simulator, key: &str, order: &str| {
            let body = json!({"productName": "Plan", "amount": 100, "currency": "TWD", "orderId": order});
            code(&post(sim, &format!("/v3/payments/preapprovedPay/{key}/payment"), body))
        };
        assert_eq!(pay(&mut sim, &key, "o-2"), "0000");
        assert_eq!(pay(&mut sim, &key, "o-2"), "1172", "same orderId");
        assert_eq!(code(&post(&mut sim, &format!("/v3/payments/preapprovedPay/{key}/expire"), json!({}))), "0000");
        assert_eq!(pay(&mut sim, &key, "o-3"), "1193");
        assert_eq!(code(&post(&mut sim, &format!("/v3/payments/preapprovedPay/{key}/expire"), json!({}))), "1193");
        assert_eq!(pay(&mut sim, "RK99999999999999", "o-4"), "1190");
        assert_eq!(code(&sim.handle("GET", &format!("/v3/payments/preapprovedPay/{key}/check"), "", b"")), "1193");
    }

    #[test]
    fn amounts_are_exact_and_scale_checked() {
        let usd = |text: &str| money(&serde_json::from_str(text).unwrap(), "USD");
        assert_eq!(usd("10.25"), Ok(Money(1025)));
        assert_eq!(usd("10.255"), Err("1124"));
        assert_eq!(usd("\"10\""), Err("2101"));
        assert_eq!(money(&json!(1.5), "JPY"), Err("1124"));
    }

    #[test]
    fn payment_details_lists_refunds_negative_and_finds_refund_ids() {
        let mut sim = Simulator::default();
        let id = authorized(&mut sim, "o-1", 1000);
        post(
            &mut sim,
            &format!("/v3/payments/authorizations/{id}/capture"),
            json!({"amount": 1000, "currency": "TWD"}),
        );
        let refund = post(&mut sim, &format!("/v3/payments/{id}/refund"), json!({"refundAmount": 20}));
        let refund_id = refund.value()["info"]["refundTransactionId"].as_u64().expect("refund id");
        let answer = sim.handle("GET", "/v3/payments", &format!("transactionId={id}&transactionId={refund_id}"), b"");
        let info = answer.value()["info"].clone();
        assert_eq!(info[0]["payStatus"], "CAPTURE");
        assert_eq!(info[0]["refundList"][0]["refundTransactionId"].as_u64(), Some(refund_id));
        assert_eq!(info[0]["refundList"][0]["refundAmount"], json!(-20));
        assert_eq!(info[1]["originalTransactionId"].as_u64(), Some(id));
        assert_eq!(code(&sim.handle("GET", "/v3/payments", "transactionId=2021121300698369999", b"")), "1150");
    }
}
