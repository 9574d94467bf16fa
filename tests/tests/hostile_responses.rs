//! Malformed and hostile response bodies get typed errors, never a panic: valid bodies of each envelope
//! cut at every byte and corrupted at many places go through the envelope decode and then the typed
//! decode of the operation's response, as the client does.

use std::time::Duration;

use payspec::alipayplus::capture::CaptureResponse;
use payspec::elepay::Charge;
use payspec::linepay::capture::CaptureInfo;
use payspec::runtime::client::{Call, CodeFacts, DecodeEnvelope, ErrorKind, Method};
use payspec::runtime::protocol::{alipay_plus, http_status, line_pay};
use serde::de::DeserializeOwned;

const LINE_PAY: &str = r#"{"returnCode":"0000","returnMessage":"Success.","info":{"orderId":"注文-1","transactionId":2021121300698360310,"payInfo":[{"method":"BALANCE","amount":900},{"method":"DISCOUNT","amount":100.5}]}}"#;
const ALIPAY_PLUS: &str = r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"captureRequestId":"c-1","captureId":"201231231313123167","paymentId":"p-1","captureAmount":{"value":"1000","currency":"USD"},"captureTime":"2021-06-08T12:12:12+08:00"}"#;
const ELEPAY: &str = r#"{"id":"ch_1","object":"charge","amount":1000,"currency":"JPY","paymentMethod":"paypay","status":"captured","paidTime":1700000000000,"refunds":{"amount":0,"totalCount":0,"data":[]}}"#;

fn call() -> Call {
    Call {
        operation: "capture",
        method: Method::POST,
        path: "/capture".into(),
        path_template: "/capture",
        secret_path_params: &[],
        query: String::new(),
        body: None,
        timeout: Duration::from_secs(1),
        idempotent: false,
        idempotency_key: None,
        effect: None,
        extra_success_codes: &[],
        classify: |_| CodeFacts::default(),
    }
}

/// Every cut and every corruption of `valid` is either a typed error or decodes; the valid body decodes.
fn survive<R: DeserializeOwned>(envelope: impl DecodeEnvelope, valid: &str, status: u16) -> usize {
    let decode = |body: &str| -> Result<R, String> {
        let reply = envelope.decode(&call(), status, body).map_err(|e| match e {
            ErrorKind::Undecodable(u) => {
                assert_eq!((u.status, u.body.as_str()), (status, body), "the status and body are kept");
                u.reason
            }
            other => format!("{other:?}"),
        })?;
        serde_json::from_str::<R>(reply.payload().get()).map_err(|e| e.to_string())
    };
    assert!(decode(valid).is_ok(), "the valid body decodes");
    let mut refused = 0;
    let cuts = valid.char_indices().map(|(i, _)| valid[..i].to_owned());
    let corruptions = valid.char_indices().step_by(3).flat_map(|(i, c)| {
        ["\"", "}", "\\", "\u{0}", "ü", "9"].map(|with| format!("{}{with}{}", &valid[..i], &valid[i + c.len_utf8()..]))
    });
    for body in cuts.chain(corruptions) {
        if decode(&body).is_err() {
            refused += 1;
        }
    }
    refused
}

#[test]
fn line_pay_bodies() {
    let envelope = line_pay::Envelope { success_codes: &["0000"] };
    assert!(survive::<CaptureInfo>(envelope, LINE_PAY, 200) > LINE_PAY.len());
    // The same body on another status is not a LINE Pay answer.
    assert!(matches!(envelope.decode(&call(), 502, LINE_PAY), Err(ErrorKind::Undecodable(_))));
}

#[test]
fn alipay_plus_bodies() {
    assert!(survive::<CaptureResponse>(alipay_plus::Envelope, ALIPAY_PLUS, 200) > ALIPAY_PLUS.len());
}

#[test]
fn elepay_bodies() {
    let envelope = http_status::Envelope { code_field: "errorCode" };
    assert!(survive::<Charge>(envelope, ELEPAY, 200) > ELEPAY.len() / 2);
    // Error bodies cut short are undecodable too, never a provider error with a made-up code.
    let error = r#"{"errorCode":"M002003","message":"The requested resource does not exist."}"#;
    for end in 0..error.len() - 1 {
        match envelope.decode(&call(), 400, &error[..end]) {
            Err(ErrorKind::Undecodable(_)) => {}
            Err(ErrorKind::Provider(p)) => assert_eq!(p.code, "M002003"),
            other => panic!("{end}: {other:?}"),
        }
    }
}
