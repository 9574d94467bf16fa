//! `payspec-mock serve [--provider linepay|alipayplus|elepay|all] [--port N] [--auto-approve] [--elepay-webhook-url URL]`
//!
//! Serves the simulators on 127.0.0.1 for applications in any language: the providers' APIs, and the
//! control surface under `/__payspec/` (see the crate README). On start it prints one line of JSON
//! with every provider's base URL and the test credentials it accepts, then serves until stopped
//! (Ctrl-C or SIGTERM).

use std::net::SocketAddr;
use std::process::ExitCode;

use payspec_mock::{MultiMock, Options};

const USAGE: &str = "usage: payspec-mock serve [--provider linepay|alipayplus|elepay|all] [--port N] [--auto-approve]
       [--elepay-webhook-url URL]

Serves the LINE Pay, Alipay+ and elepay simulators on 127.0.0.1 (port 0: any free port).
Prints one JSON line with each provider's base URL and credentials; controls are under /__payspec/.";

struct Args {
    providers: Vec<&'static str>,
    port: u16,
    auto_approve: bool,
    elepay_webhook_url: Option<String>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut out = Args {
        providers: vec!["linepay", "alipayplus", "elepay"],
        port: 0,
        auto_approve: false,
        elepay_webhook_url: None,
    };
    let mut rest = match args.first().map(String::as_str) {
        Some("serve") => args[1..].iter(),
        Some(other) => return Err(format!("unknown command {other:?}")),
        None => return Err("give a command".into()),
    };
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--provider" => {
                out.providers = match rest.next().map(String::as_str) {
                    Some("all") => vec!["linepay", "alipayplus", "elepay"],
                    Some("linepay") => vec!["linepay"],
                    Some("alipayplus") => vec!["alipayplus"],
                    Some("elepay") => vec!["elepay"],
                    other => return Err(format!("--provider takes linepay, alipayplus, elepay or all, not {other:?}")),
                }
            }
            "--port" => {
                out.port =
                    rest.next().and_then(|p| p.parse().ok()).ok_or_else(|| "--port takes a port number".to_string())?;
            }
            "--auto-approve" => out.auto_approve = true,
            "--elepay-webhook-url" => {
                let url = rest.next().ok_or_else(|| "--elepay-webhook-url takes a URL".to_string())?;
                out.elepay_webhook_url = Some(url.clone());
            }
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    Ok(out)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if matches!(args.first().map(String::as_str), Some("help" | "--help" | "-h")) {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let args = match parse(&args) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let options = Options {
            linepay_auto_approve: args.auto_approve,
            elepay_webhook_url: args.elepay_webhook_url,
            ..Options::default()
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], args.port));
        let mock = match MultiMock::start(addr, &args.providers, &options).await {
            Ok(mock) => mock,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        println!(
            "{}",
            serde_json::json!({"listening": format!("http://{}", mock.addr()), "control": format!("http://{}/__payspec/", mock.addr()), "providers": mock.describe()})
        );
        stopped().await;
        ExitCode::SUCCESS
    })
}

/// Ctrl-C, or SIGTERM where there are signals.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
