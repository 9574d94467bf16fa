//! Shared plumbing of the example programs: configuration from the environment, and printing a
//! response or a typed error as JSON.
//!
//! | variable | used by | meaning |
//! |---|---|---|
//! | `LINEPAY_BASE_URL` | linepay_* | defaults to the LINE Pay sandbox |
//! | `LINEPAY_CHANNEL_ID`, `LINEPAY_CHANNEL_SECRET` | linepay_* | channel credentials |
//! | `ALIPAYPLUS_BASE_URL` | alipayplus_* | the wallet's base URL with its path prefix (required) |
//! | `ALIPAYPLUS_CLIENT_ID` | alipayplus_* | the client id |
//! | `ALIPAYPLUS_PRIVATE_KEY_FILE` | alipayplus_* | the merchant's private key (PEM or Base64) |
//! | `ALIPAYPLUS_WALLET_PUBLIC_KEY_FILE` | alipayplus_* | the wallet's public key (PEM or Base64) |
//! | `ELEPAY_BASE_URL` | elepay_* | defaults to `https://api.elepay.io` |
//! | `ELEPAY_SECRET_KEY` | elepay_* | the secret key |

pub mod inbound;

use std::fmt::Display;
use std::process::ExitCode;

use payspec::runtime::ErrorCode;
use payspec::runtime::client::{
    AlipayPlusCredentials, Config, ElepayCredentials, Error, ErrorKind, LinePayCredentials,
};
use payspec::runtime::handlers::{Retry, Tracing};
use payspec::runtime::signing::alipay_plus::{PrivateKey, PublicKey};
use serde_json::{Value, json};

/// An environment variable, or a message naming it.
pub fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name} (see the table in examples/src/lib.rs or README.md)"))
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// Command-line argument `index` parsed, or `default` when it is absent.
pub fn arg_or<T: std::str::FromStr>(index: usize, name: &str, default: T) -> Result<T, String>
where
    T::Err: Display,
{
    match std::env::args().nth(index) {
        Some(text) => text.parse().map_err(|e| format!("{name}: {e}")),
        None => Ok(default),
    }
}

/// A flow's exit code: success, or the step it stopped at.
pub async fn finish(flow: impl std::future::Future<Output = Result<(), String>>) -> ExitCode {
    match flow.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("the flow stopped: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Polls LINE Pay's Check Payment Status once a second (no more often, as the spec says), for at most
/// the 20 minutes LINE Pay gives the user, until it answers something other than `0000` (not
/// approved yet); prints that answer as a step. `true` when the user approved (`0110`).
pub async fn wait_for_approval(
    client: &payspec::linepay::Client,
    id: &payspec::linepay::TransactionId,
    payment_url: &str,
) -> Result<bool, String> {
    use payspec::linepay::check_payment_status::{self, CheckPaymentStatusOutcome};
    println!("\n(approve the payment at {payment_url} ; waiting for Check Payment Status to say 0110)");
    for _ in 0..20 * 60 {
        let status = client.check_payment_status(id).await;
        if matches!(&status, Ok(outcome) if outcome.code() == "0000") {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            continue;
        }
        let shown = status.map(|o| json!({"returnCode": o.code(), "outcome": format!("{o:?}")}));
        let shown = step(&format!("check payment status: GET {}", check_payment_status::path(id)), shown)
            .map_err(|e| e.to_string())?;
        return Ok(shown["returnCode"] == CheckPaymentStatusOutcome::Authorized.code());
    }
    Ok(false)
}

/// `args[index]`, or the usage line.
pub fn arg(args: &[String], index: usize, usage: &str) -> Result<String, String> {
    args.get(index).cloned().ok_or_else(|| format!("usage: {usage}"))
}

pub fn linepay() -> Result<payspec::linepay::Client, String> {
    let credentials = LinePayCredentials::new(env("LINEPAY_CHANNEL_ID")?, env("LINEPAY_CHANNEL_SECRET")?);
    let config = Config::new(env_or("LINEPAY_BASE_URL", payspec::linepay::SANDBOX_BASE_URL), credentials)
        .handler(Tracing)
        .handler(payspec::runtime::handlers::LinePayRecovery::default())
        .handler(Retry::new(3));
    payspec::linepay::Client::new(config).map_err(|e| e.to_string())
}

pub fn alipayplus() -> Result<payspec::alipayplus::Client, String> {
    let read = |var: &str| -> Result<String, String> {
        let path = env(var)?;
        std::fs::read_to_string(&path).map_err(|e| format!("{var}={path}: {e}"))
    };
    let private_key =
        PrivateKey::from_pem_or_base64(&read("ALIPAYPLUS_PRIVATE_KEY_FILE")?).map_err(|e| e.to_string())?;
    let wallet_key =
        PublicKey::from_pem_or_base64(&read("ALIPAYPLUS_WALLET_PUBLIC_KEY_FILE")?).map_err(|e| e.to_string())?;
    let credentials = AlipayPlusCredentials::new(env("ALIPAYPLUS_CLIENT_ID")?, private_key, wallet_key);
    let config = Config::new(env("ALIPAYPLUS_BASE_URL")?, credentials).handler(Tracing).handler(Retry::new(3));
    payspec::alipayplus::Client::new(config).map_err(|e| e.to_string())
}

pub fn elepay() -> Result<payspec::elepay::Client, String> {
    let credentials = ElepayCredentials::new(env("ELEPAY_SECRET_KEY")?);
    let config = Config::new(env_or("ELEPAY_BASE_URL", payspec::elepay::PRODUCTION_BASE_URL), credentials)
        .handler(Tracing)
        .handler(Retry::new(3));
    payspec::elepay::Client::new(config).map_err(|e| e.to_string())
}

/// A typed error as JSON: its layer, and for provider errors the code, its meaning and classification.
pub fn error_json<E: ErrorCode + Display>(error: &Error<E>) -> Value {
    let mut out = json!({
        "operation": error.operation(),
        "message": error.to_string(),
        "retryable": error.is_retryable(),
        "outcome_unknown": error.is_outcome_unknown(),
        "safe_to_retry": error.is_safe_to_retry(),
        "recovery": error.recovery().map(ToString::to_string),
    });
    let detail = match error.kind() {
        ErrorKind::Validation(v) => json!({
            "kind": "validation",
            "violations": v.violations.iter().map(|v| json!({"path": v.path, "rule": v.rule.to_string()})).collect::<Vec<_>>(),
        }),
        ErrorKind::Encode(e) => json!({"kind": "encode", "reason": e}),
        ErrorKind::Transport(t) => {
            json!({"kind": "transport", "transport": format!("{:?}", t.kind), "reason": t.message})
        }
        ErrorKind::Undecodable(u) => {
            json!({"kind": "undecodable", "status": u.status, "reason": u.reason, "body": u.body})
        }
        ErrorKind::BadSignature(reason) => json!({"kind": "bad_signature", "reason": reason}),
        ErrorKind::Provider(p) => json!({
            "kind": "provider",
            "code": p.code.code(),
            "variant": format!("{:?}", p.code),
            "description": p.code.description(),
            "provider_message": p.message,
            "http_status": p.http_status,
        }),
        ErrorKind::Incomplete(r) => json!({
            "kind": "incomplete",
            "took_effect": true,
            "partial_answer": serde_json::from_str::<Value>(&r.payload).ok(),
            "missing": r.missing.fields,
            "advice": r.missing.advice,
        }),
        other => json!({"kind": format!("{other:?}")}),
    };
    if let (Value::Object(out), Value::Object(detail)) = (&mut out, detail) {
        out.extend(detail);
    }
    out
}

/// Prints the outcome of a call as JSON: the response on stdout, or the error on stderr.
pub fn report<T: serde::Serialize, E: ErrorCode + Display>(result: Result<T, Error<E>>) -> ExitCode {
    match result {
        Ok(response) => {
            println!("{}", serde_json::to_string_pretty(&response).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{}", serde_json::to_string_pretty(&error_json(&error)).unwrap_or_default());
            ExitCode::FAILURE
        }
    }
}

/// Prints one step of a flow on stdout: the call, then the response or the typed error as JSON; and
/// hands the result back so that the flow can go on with it.
pub fn step<T: serde::Serialize, E: ErrorCode + Display>(
    call: &str,
    result: Result<T, Error<E>>,
) -> Result<T, Error<E>> {
    let shown = match &result {
        Ok(response) => serde_json::to_value(response).unwrap_or_default(),
        Err(error) => json!({ "error": error_json(error) }),
    };
    println!("\n== {call}\n{}", serde_json::to_string_pretty(&shown).unwrap_or_default());
    result
}

/// Runs an example's body, printing setup problems (missing variables, bad arguments) plainly.
pub fn run(body: impl std::future::Future<Output = Result<ExitCode, String>>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(body).unwrap_or_else(|message| {
        eprintln!("{message}");
        ExitCode::from(2)
    })
}
