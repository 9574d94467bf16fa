//! An elepay simulator: charges and their refunds.
//!
//! Sources: `provider-notes.md#elepay` (endpoints, charge and refund states, error body),
//! `provider-docs/elepay-openapi-1.2.5.yaml` (ChargeDto, RefundDto, RefundsDto, RefundsResponse,
//! 201 for created objects), `provider-docs/elepay-charge-capture.txt` (capture at most the created
//! amount) and `provider-docs/elepay-error-codes.tsv` (codes, HTTP status 400 for M codes, messages).
//!
//! The life of a charge ([`ChargeStatus`]):
//!
//! ```text
//! create (capture true) ───────────────────────────> captured ──refund──> partially_refunded ──refund──> refunded
//! create (capture false) ──> uncaptured ──capture──┘
//!                                  └──revoke──> revoked
//! ```
//!
//! The user's side of a payment is not simulated: a charge is paid (or authorized) when it is created.
//! Successes are 200, or 201 for a created charge or refund; failures are HTTP 400 with
//! `{requestId, errorCode, message, parameterName?}`. Timestamps are Unix milliseconds.
//!
//! | situation | errorCode | table row |
//! |---|---|---|
//! | unknown charge or refund id | M002003 | "The requested resource does not exist." |
//! | capture of a charge that is already captured (or refunded), revoke of a revoked one, refund of a fully refunded one | M006002 | "The requested operation has already been completed." |
//! | capture or refund of a revoked charge, refund of an uncaptured one | M006000 | "The current status is invalid." |
//! | revoke of a captured charge | M006007 | "Payments that have been completed cannot be cancelled, please use the refund operation." |
//! | required field missing | M002001 | with `parameterName` |
//! | amount of 0 or less, capture above the authorized amount, refund above what is left | M002002 | with `parameterName` `amount` |
//! | create with an orderNo that is already paid | M002007 | "The order number has already been paid." |

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

pub use super::money::Money;
use super::{Answer, Clock, Outcome, Refusal, query_pairs, segments};

/// The state of a charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChargeStatus {
    Uncaptured,
    Captured,
    PartiallyRefunded,
    Refunded,
    Revoked,
}

impl ChargeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ChargeStatus::Uncaptured => "uncaptured",
            ChargeStatus::Captured => "captured",
            ChargeStatus::PartiallyRefunded => "partially_refunded",
            ChargeStatus::Refunded => "refunded",
            ChargeStatus::Revoked => "revoked",
        }
    }

    fn paid(self) -> bool {
        matches!(self, ChargeStatus::Captured | ChargeStatus::PartiallyRefunded | ChargeStatus::Refunded)
    }
}

/// One refund of a charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    pub id: String,
    pub amount: Money,
    pub currency: String,
    pub reason: Option<String>,
    pub metadata: Map<String, Value>,
    pub time: u64,
}

/// A charge as the simulator remembers it.
#[derive(Debug, Clone, PartialEq)]
pub struct Charge {
    pub id: String,
    /// The amount paid: the created amount, or the captured one.
    pub amount: Money,
    /// The amount given at creation.
    pub authorize_amount: Money,
    pub currency: String,
    /// Created with capture false.
    pub authorize: bool,
    pub payment_method: String,
    pub order_no: String,
    pub status: ChargeStatus,
    pub refunds: Vec<Refund>,
    pub resource: Option<String>,
    pub description: Option<String>,
    pub metadata: Map<String, Value>,
    pub extra: Map<String, Value>,
    pub create_time: u64,
    pub paid_time: Option<u64>,
    pub refund_time: Option<u64>,
}

impl Charge {
    /// The sum of the refunds.
    pub fn refunded(&self) -> Money {
        self.refunds.iter().map(|r| r.amount).sum()
    }
}

/// Something that happened to a charge or refund, for a webhook event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `charge.succeeded`, `charge.revoked`, `refund.succeeded`.
    pub kind: &'static str,
    /// The charge or refund as the API would return it now.
    pub object: Value,
    /// Unix milliseconds.
    pub time: u64,
}

/// The elepay simulator. See the module documentation for its rules.
#[derive(Debug, Clone, Default)]
pub struct Simulator {
    clock: Clock,
    next_id: u64,
    next_request: u64,
    charges: BTreeMap<String, Charge>,
    events: Vec<Event>,
}

fn message(code: &str) -> &'static str {
    match code {
        "M002001" => "Required parameters are missing.",
        "M002002" => "The value of the parameter provided is incorrect.",
        "M002003" => "The requested resource does not exist.",
        "M002007" => "The order number has already been paid.",
        "M006000" => "The current status is invalid.",
        "M006002" => "The requested operation has already been completed.",
        "M006007" => "Payments that have been completed cannot be cancelled, please use the refund operation.",
        _ => "error",
    }
}

fn positive(request: &Map<String, Value>, key: &'static str) -> Result<Option<Money>, Refusal> {
    match request.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => match Money::from_integer(value) {
            Ok(amount) if amount.is_positive() => Ok(Some(amount)),
            _ => Err(Refusal::on("M002002", key)),
        },
    }
}

fn body(body: &[u8]) -> Result<Map<String, Value>, Refusal> {
    if body.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(Refusal::from("M002002")),
    }
}

fn strings(value: Option<&Value>) -> Map<String, Value> {
    value.and_then(Value::as_object).cloned().unwrap_or_default()
}

impl Simulator {
    /// Answers one call. `path` starts with `/charges`; `query` is the raw query string.
    pub fn handle(&mut self, method: &str, path: &str, query: &str, body: &[u8]) -> Answer {
        let now = self.clock.tick() * 1000;
        self.next_request += 1;
        let segments = segments(path);
        let s: Vec<&str> = segments.iter().map(String::as_str).collect();
        let outcome = match (method, s.as_slice()) {
            ("POST", ["charges"]) => self.create(body, now),
            ("GET", ["charges"]) => Ok(self.list(query)),
            ("GET", ["charges", id]) => self.charge(id).map(|c| Answer::json(200, &charge_json(c))),
            ("GET", ["charges", id, "status"]) => self.charge(id).map(|c| {
                let status = json!({"id": c.id, "object": "charge", "liveMode": false, "status": c.status.as_str()});
                Answer::json(200, &status)
            }),
            ("POST", ["charges", id, "capture"]) => self.capture(id, body, now),
            ("POST", ["charges", id, "revoke"]) => self.revoke(id, now),
            ("POST", ["charges", id, "refunds"]) => self.refund(id, body, now),
            ("GET", ["charges", id, "refunds"]) => self.charge(id).map(|c| {
                let refunds: Vec<Value> = c.refunds.iter().map(|r| refund_json(c, r)).collect();
                Answer::json(200, &json!({"total": refunds.len(), "refunds": refunds}))
            }),
            ("GET", ["charges", id, "refunds", refund]) => self.charge(id).and_then(|c| {
                let r = c.refunds.iter().find(|r| r.id == *refund).ok_or(Refusal::from("M002003"))?;
                Ok(Answer::json(200, &refund_json(c, r)))
            }),
            _ => return Answer::not_found("elepay", method, path),
        };
        outcome.unwrap_or_else(|Refusal { code, parameter }| {
            let mut error = json!({
                "requestId": format!("req_{:012}", self.next_request),
                "errorCode": code,
                "message": message(code),
            });
            if let Some(name) = parameter {
                error["parameterName"] = name.into();
            }
            Answer::json(400, &error)
        })
    }

    /// Moves the logical clock forward.
    pub fn advance(&mut self, seconds: u64) {
        self.clock.seconds += seconds;
    }

    /// What happened since the last call, in order: a charge paid at creation or captured
    /// (`charge.succeeded`), revoked (`charge.revoked`), a refund made (`refund.succeeded`).
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// The clock in Unix milliseconds.
    pub fn now_millis(&self) -> u64 {
        self.clock.seconds * 1000
    }

    /// A charge by id, for assertions.
    pub fn get(&self, id: &str) -> Option<&Charge> {
        self.charges.get(id)
    }

    /// Adds an authorized, uncaptured charge of `amount` JPY by credit card.
    pub fn seed_uncaptured(&mut self, id: &str, amount: i64) {
        let now = self.clock.tick() * 1000;
        let charge = new_charge(id.to_owned(), Money(amount), "JPY", "creditcard", &format!("seed-{id}"), false, now);
        self.charges.insert(id.to_owned(), charge);
    }

    fn charge(&self, id: &str) -> Result<&Charge, Refusal> {
        self.charges.get(id).ok_or(Refusal::from("M002003"))
    }

    fn charge_mut(&mut self, id: &str) -> Result<&mut Charge, Refusal> {
        self.charges.get_mut(id).ok_or(Refusal::from("M002003"))
    }

    /// POST /charges
    fn create(&mut self, body: &[u8], now: u64) -> Outcome {
        let request = self::body(body)?;
        let amount = positive(&request, "amount")?.ok_or(Refusal::on("M002001", "amount"))?;
        let order_no = request.get("orderNo").and_then(Value::as_str).ok_or(Refusal::on("M002001", "orderNo"))?;
        let method =
            request.get("paymentMethod").and_then(Value::as_str).ok_or(Refusal::on("M002001", "paymentMethod"))?;
        let currency = request.get("currency").and_then(Value::as_str).unwrap_or("JPY");
        let capture = request.get("capture").and_then(Value::as_bool).unwrap_or(true);
        if self.charges.values().any(|c| c.order_no == order_no && c.status.paid()) {
            return Err(Refusal::from("M002007"));
        }
        self.next_id += 1;
        let id = format!("cha_{:024}", self.next_id);
        let mut charge = new_charge(id.clone(), amount, currency, method, order_no, capture, now);
        charge.resource = request.get("resource").and_then(Value::as_str).map(str::to_owned);
        charge.description = request.get("description").and_then(Value::as_str).map(str::to_owned);
        charge.metadata = strings(request.get("metadata"));
        charge.extra = strings(request.get("extra"));
        let answer = Answer::json(201, &charge_json(&charge));
        if capture {
            self.events.push(Event { kind: "charge.succeeded", object: charge_json(&charge), time: now });
        }
        self.charges.insert(id, charge);
        Ok(answer)
    }

    /// POST /charges/{id}/capture
    fn capture(&mut self, id: &str, body: &[u8], now: u64) -> Outcome {
        let request = self::body(body)?;
        let charge = self.charge_mut(id)?;
        match charge.status {
            ChargeStatus::Uncaptured => {}
            ChargeStatus::Revoked => return Err(Refusal::from("M006000")),
            _ => return Err(Refusal::from("M006002")),
        }
        // The capture page: the amount may differ from the created one, but must not be larger.
        let amount = positive(&request, "amount")?.unwrap_or(charge.authorize_amount);
        if amount > charge.authorize_amount {
            return Err(Refusal::on("M002002", "amount"));
        }
        charge.amount = amount;
        charge.status = ChargeStatus::Captured;
        charge.paid_time = Some(now);
        charge.extra.extend(strings(request.get("extra")));
        let object = charge_json(charge);
        self.events.push(Event { kind: "charge.succeeded", object: object.clone(), time: now });
        Ok(Answer::json(200, &object))
    }

    /// POST /charges/{id}/revoke
    fn revoke(&mut self, id: &str, now: u64) -> Outcome {
        let charge = self.charge_mut(id)?;
        match charge.status {
            ChargeStatus::Uncaptured => charge.status = ChargeStatus::Revoked,
            ChargeStatus::Revoked => return Err(Refusal::from("M006002")),
            _ => return Err(Refusal::from("M006007")),
        }
        let object = charge_json(charge);
        self.events.push(Event { kind: "charge.revoked", object: object.clone(), time: now });
        Ok(Answer::json(200, &object))
    }

    /// POST /charges/{id}/refunds
    fn refund(&mut self, id: &str, body: &[u8], now: u64) -> Outcome {
        let request = self::body(body)?;
        let next = self.next_id + 1;
        let charge = self.charge_mut(id)?;
        match charge.status {
            ChargeStatus::Captured | ChargeStatus::PartiallyRefunded => {}
            ChargeStatus::Refunded => return Err(Refusal::from("M006002")),
            ChargeStatus::Uncaptured | ChargeStatus::Revoked => return Err(Refusal::from("M006000")),
        }
        // OpenAPI RefundReq: amount is required.
        let amount = positive(&request, "amount")?.ok_or(Refusal::on("M002001", "amount"))?;
        let left = charge.amount - charge.refunded();
        if amount > left {
            return Err(Refusal::on("M002002", "amount"));
        }
        let refund = Refund {
            id: format!("ref_{next:024}"),
            amount,
            currency: request.get("currency").and_then(Value::as_str).unwrap_or(&charge.currency).to_owned(),
            reason: request.get("reason").and_then(Value::as_str).map(str::to_owned),
            metadata: strings(request.get("metadata")),
            time: now,
        };
        let object = refund_json(charge, &refund);
        let answer = Answer::json(201, &object);
        charge.refunds.push(refund);
        charge.refund_time = Some(now);
        charge.status = if amount == left { ChargeStatus::Refunded } else { ChargeStatus::PartiallyRefunded };
        self.next_id = next;
        self.events.push(Event { kind: "refund.succeeded", object, time: now });
        Ok(answer)
    }

    /// GET /charges: filtered by status and paymentMethod, newest first unless `order=asc`, paged.
    fn list(&self, query: &str) -> Answer {
        let pairs = query_pairs(query);
        let value = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        let methods: Vec<&str> = pairs.iter().filter(|(n, _)| n == "paymentMethod").map(|(_, v)| v.as_str()).collect();
        let mut charges: Vec<&Charge> = self
            .charges
            .values()
            .filter(|c| value("status").is_none_or(|s| s == c.status.as_str()))
            .filter(|c| methods.is_empty() || methods.contains(&c.payment_method.as_str()))
            .collect();
        charges.sort_by_key(|c| (c.create_time, c.id.clone()));
        if value("order") != Some("asc") {
            charges.reverse();
        }
        let total = charges.len();
        let offset = value("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
        let limit = value("limit").and_then(|l| l.parse().ok()).unwrap_or(20);
        let page: Vec<Value> = charges.into_iter().skip(offset).take(limit).map(charge_json).collect();
        Answer::json(200, &json!({"total": total, "charges": page}))
    }
}

fn new_charge(
    id: String,
    amount: Money,
    currency: &str,
    method: &str,
    order_no: &str,
    capture: bool,
    now: u64,
) -> Charge {
    Charge {
        id,
        amount,
        authorize_amount: amount,
        currency: currency.to_owned(),
        authorize: !capture,
        payment_method: method.to_owned(),
        order_no: order_no.to_owned(),
        status: if capture { ChargeStatus::Captured } else { ChargeStatus::Uncaptured },
        refunds: Vec::new(),
        resource: None,
        description: None,
        metadata: Map::new(),
        extra: Map::new(),
        create_time: now,
        paid_time: capture.then_some(now),
        refund_time: None,
    }
}

fn refund_json(charge: &Charge, refund: &Refund) -> Value {
    let mut value = json!({
        "id": refund.id,
        "object": "refund",
        "chargeId": charge.id,
        "liveMode": false,
        "amount": refund.amount.minor(),
        "currency": refund.currency,
        "metadata": refund.metadata,
        "status": "refunded",
        "refundedTime": refund.time,
        "createTime": refund.time,
    });
    if let Some(reason) = &refund.reason {
        value["reason"] = reason.clone().into();
    }
    value
}

/// ChargeDto. `refunded` is true once the whole amount is refunded.
fn charge_json(charge: &Charge) -> Value {
    let refunds: Vec<Value> = charge.refunds.iter().map(|r| refund_json(charge, r)).collect();
    let mut value = json!({
        "id": charge.id,
        "object": "charge",
        "liveMode": false,
        "amount": charge.amount.minor(),
        "authorizeAmount": charge.authorize_amount.minor(),
        "currency": charge.currency,
        "authorize": charge.authorize,
        "paymentMethod": charge.payment_method,
        "orderNo": charge.order_no,
        "metadata": charge.metadata,
        "extra": charge.extra,
        "paid": charge.status.paid(),
        "refunded": charge.status == ChargeStatus::Refunded,
        "disputed": false,
        "refunds": {"amount": charge.refunded().minor(), "totalCount": refunds.len(), "data": refunds},
        "status": charge.status.as_str(),
        "createTime": charge.create_time,
    });
    let optional = [
        ("resource", charge.resource.clone().map(Value::from)),
        ("description", charge.description.clone().map(Value::from)),
        ("paidTime", charge.paid_time.map(Value::from)),
        ("refundTime", charge.refund_time.map(Value::from)),
    ];
    for (name, field) in optional {
        if let Some(field) = field {
            value[name] = field;
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(sim: &mut Simulator, method: &str, path: &str, body: Value) -> (u16, Value) {
        let body = if body.is_null() { String::new() } else { body.to_string() };
        let answer = sim.handle(method, path, "", body.as_bytes());
        (answer.status, answer.value())
    }

    fn error(reply: &(u16, Value)) -> (u16, &str) {
        (reply.0, reply.1["errorCode"].as_str().unwrap_or(""))
    }

    fn uncaptured(sim: &mut Simulator, amount: u64) -> String {
        let body = json!({"amount": amount, "orderNo": "o-1", "paymentMethod": "creditcard", "capture": false});
        let (status, charge) = call(sim, "POST", "/charges", body);
        assert_eq!((status, charge["status"].as_str()), (201, Some("uncaptured")));
        charge["id"].as_str().unwrap().to_owned()
    }

    #[test]
    fn capture_once_and_at_most_the_authorized_amount() {
        let mut sim = Simulator::default();
        let id = uncaptured(&mut sim, 1000);
        let capture = format!("/charges/{id}/capture");
        let over = call(&mut sim, "POST", &capture, json!({"amount": 1001}));
        assert_eq!(error(&over), (400, "M002002"));
        assert_eq!(over.1["parameterName"], "amount");
        let (status, charge) = call(&mut sim, "POST", &capture, json!({"amount": 800}));
        assert_eq!((status, charge["status"].as_str(), charge["amount"].as_u64()), (200, Some("captured"), Some(800)));
        assert_eq!(error(&call(&mut sim, "POST", &capture, json!({}))), (400, "M006002"));
        assert_eq!(error(&call(&mut sim, "POST", &format!("/charges/{id}/revoke"), Value::Null)), (400, "M006007"));
        assert_eq!(error(&call(&mut sim, "POST", "/charges/cha_missing/capture", json!({}))), (400, "M002003"));
    }

    #[test]
    fn refunds_move_the_status_and_stop_at_the_captured_amount() {
        let mut sim = Simulator::default();
        let id = uncaptured(&mut sim, 1000);
        let refunds = format!("/charges/{id}/refunds");
        assert_eq!(error(&call(&mut sim, "POST", &refunds, json!({"amount": 1}))), (400, "M006000"), "uncaptured");
        call(&mut sim, "POST", &format!("/charges/{id}/capture"), json!({"amount": 800}));
        assert_eq!(error(&call(&mut sim, "POST", &refunds, json!({"amount": 801}))), (400, "M002002"));
        assert_eq!(error(&call(&mut sim, "POST", &refunds, json!({}))), (400, "M002001"));
        assert_eq!(call(&mut sim, "POST", &refunds, json!({"amount": 300})).0, 201);
        assert_eq!(sim.get(&id).map(|c| c.status), Some(ChargeStatus::PartiallyRefunded));
        assert_eq!(call(&mut sim, "POST", &refunds, json!({"amount": 500})).0, 201);
        assert_eq!(sim.get(&id).map(|c| c.status), Some(ChargeStatus::Refunded));
        assert_eq!(error(&call(&mut sim, "POST", &refunds, json!({"amount": 1}))), (400, "M006002"));
        let (_, list) = call(&mut sim, "GET", &refunds, Value::Null);
        assert_eq!(list["total"], 2);
    }

    #[test]
    fn revoked_charges_take_no_more_steps() {
        let mut sim = Simulator::default();
        let id = uncaptured(&mut sim, 1000);
        assert_eq!(call(&mut sim, "POST", &format!("/charges/{id}/revoke"), Value::Null).0, 200);
        assert_eq!(error(&call(&mut sim, "POST", &format!("/charges/{id}/revoke"), Value::Null)), (400, "M006002"));
        assert_eq!(error(&call(&mut sim, "POST", &format!("/charges/{id}/capture"), json!({}))), (400, "M006000"));
    }
}
