//! elepay webhooks received over 127.0.0.1 by the generated `Receiver`: events typed by `type`, an
//! unlisted type kept as `Unknown`, a resend recognised by its event id, and `fetch`, which asks the
//! elepay mock for the charge or refund so that the application acts on elepay's state, not on the
//! body (which nothing signs).

mod inbound_support;

use inbound_support::*;
use payspec::elepay::create_charge::ChargeRequest;
use payspec::elepay::create_refund::RefundRequest;
use payspec::elepay::notifications::{Receiver, Webhook, WebhookEvent, WebhookFetched};
use payspec::elepay::{ChargeStatus, Client, PaymentMethod};
use payspec::runtime::inbound::{FollowUpError, Rejection};
use payspec_mock::ElepayMock;

const PATH: &str = "/elepay/webhook";

async fn merchant() -> Merchant<Webhook> {
    let receiver = Receiver::new();
    Merchant::start(move |request| receiver.webhook(request), Webhook::key).await
}

fn event(id: &str, kind: &str, data: &str) -> String {
    format!(r#"{{"id":"{id}","object":"event","createTime":1764554400000,"type":"{kind}","data":{data}}}"#)
}

async fn post(m: &Merchant<Webhook>, body: &str) -> WireResponse {
    send(&m.base_url, "POST", PATH, &[("Content-Type", "application/json")], body.as_bytes()).await
}

fn accepted(m: &Merchant<Webhook>) -> (String, Webhook, bool) {
    match m.only_outcome() {
        Outcome::Accepted { key, event, first } => (key, event, first),
        Outcome::Rejected(r) => panic!("rejected: {r}"),
    }
}

async fn elepay() -> (ElepayMock, Client) {
    let mock = ElepayMock::start().await;
    let client = mock.client().expect("client");
    (mock, client)
}

#[tokio::test]
async fn a_charge_event_is_typed_acknowledged_and_fetched_from_elepay() {
    let (mock, client) = elepay().await;
    mock.seed_uncaptured("cha_inbound_1", 1200);
    let m = merchant().await;
    // The body claims a captured charge of 99 yen; elepay holds an uncaptured one of 1200.
    let body = event(
        "evt_1",
        "charge.succeeded",
        r#"{"id":"cha_inbound_1","object":"charge","amount":99,"status":"captured"}"#,
    );
    let answer = post(&m, &body).await;
    assert_eq!((answer.status, answer.body.len()), (200, 0), "the acknowledgement is a bare 200");

    let (key, webhook, first) = accepted(&m);
    assert_eq!((key.as_str(), first), ("evt_1", true));
    let WebhookEvent::ChargeSucceeded(charge) = &webhook.event else { panic!("{:?}", webhook.event) };
    assert_eq!((charge.id.as_deref(), charge.amount), (Some("cha_inbound_1"), Some(99)), "the body as sent");

    let fetched = webhook.fetch(&client).await.expect("fetch");
    let Some(WebhookFetched::RetrieveCharge(current)) = fetched else { panic!("{fetched:?}") };
    assert_eq!(current.amount, Some(1200), "what elepay holds");
    assert_eq!(current.status, Some(ChargeStatus::Uncaptured));
    let calls: Vec<String> = mock.received().iter().map(|e| format!("{} {}", e.method, e.path)).collect();
    assert_eq!(calls, ["GET /charges/cha_inbound_1"]);
}

#[tokio::test]
async fn a_refund_event_fetches_the_refund_of_its_charge() {
    let (_mock, client) = elepay().await;
    let charge = client
        .create_charge(&ChargeRequest::new(1000, "order-inbound-2", PaymentMethod::parse("creditcard")))
        .await
        .expect("charge");
    let charge_id = charge.id.clone().expect("an id");
    let refund = client.create_refund(&charge_id, &RefundRequest::new(300)).await.expect("refund");
    let refund_id = refund.id.clone().expect("an id");
    let m = merchant().await;
    let data = format!(r#"{{"id":"{refund_id}","object":"refund","chargeId":"{charge_id}"}}"#);
    post(&m, &event("evt_2", "refund.succeeded", &data)).await;
    let (_, webhook, _) = accepted(&m);
    let Some(WebhookFetched::RetrieveRefund(current)) = webhook.fetch(&client).await.expect("fetch") else {
        panic!("a refund")
    };
    assert_eq!((current.id.as_deref(), current.amount), (Some(refund_id.as_str()), Some(300)));
}

#[tokio::test]
async fn an_unlisted_event_type_is_unknown_with_its_object_and_fetches_nothing() {
    let (_mock, client) = elepay().await;
    let m = merchant().await;
    let answer = post(&m, &event("evt_3", "charge.disputed", r#"{"id":"cha_x","reason":"fraud"}"#)).await;
    assert_eq!(answer.status, 200, "an event the spec does not list is still acknowledged");
    let (key, webhook, _) = accepted(&m);
    assert_eq!(key, "evt_3");
    let WebhookEvent::Unknown { r#type, raw } = &webhook.event else { panic!("{:?}", webhook.event) };
    assert_eq!(r#type, "charge.disputed");
    assert_eq!(raw["reason"], "fraud");
    assert!(webhook.fetch(&client).await.expect("nothing to call").is_none());

    // A listed type without a typed object keeps it as JSON.
    post(&m, &event("evt_4", "reader.activated", r#"{"id":"rdr_1"}"#)).await;
    let (_, webhook, _) = accepted(&m);
    assert!(matches!(&webhook.event, WebhookEvent::ReaderActivated(v) if v["id"] == "rdr_1"), "{:?}", webhook.event);
}

#[tokio::test]
async fn a_resent_event_has_the_same_key_and_is_acknowledged_again() {
    let m = merchant().await;
    let body = event("evt_5", "charge.revoked", r#"{"id":"cha_5"}"#);
    for _ in 0..2 {
        assert_eq!(post(&m, &body).await.status, 200);
    }
    let firsts: Vec<(String, bool)> = m
        .outcomes()
        .into_iter()
        .map(|o| match o {
            Outcome::Accepted { key, first, .. } => (key, first),
            Outcome::Rejected(r) => panic!("rejected: {r}"),
        })
        .collect();
    assert_eq!(firsts, [("evt_5".to_owned(), true), ("evt_5".to_owned(), false)]);
}

#[tokio::test]
async fn malformed_events_are_rejected_without_an_acknowledgement() {
    let m = merchant().await;
    for (body, why) in [
        (r#"{"object":"event","type":"charge.succeeded","data":{}}"#.to_owned(), "id"),
        (event("evt_6", "charge.succeeded", r#""cha_6""#), "invalid type"),
        ("not json".to_owned(), "expected"),
    ] {
        let answer = post(&m, &body).await;
        assert_eq!(answer.status, 400, "{body}");
        match m.only_outcome() {
            Outcome::Rejected(r) => {
                assert!(matches!(&r.reason, Rejection::MalformedBody(m) if m.contains(why)), "{body}: {:?}", r.reason)
            }
            Outcome::Accepted { event, .. } => panic!("accepted {event:?}"),
        }
    }
    let answer = send(&m.base_url, "PUT", PATH, &[], b"{}").await;
    assert_eq!(answer.status, 405);
}

#[tokio::test]
async fn fetch_without_the_object_id_calls_nothing() {
    let (mock, client) = elepay().await;
    let m = merchant().await;
    post(&m, &event("evt_7", "charge.succeeded", r#"{"object":"charge"}"#)).await;
    let (_, webhook, _) = accepted(&m);
    let err = webhook.fetch(&client).await.expect_err("no id to fetch with");
    assert!(matches!(err, FollowUpError::MissingField("id")), "{err}");
    assert!(mock.received().is_empty());
}
