//! Calls the mock makes to the application: Alipay+ payment notifications and elepay webhook events.
//!
//! A provider's state machine announces what happened (a payment reached S or F, a charge was
//! captured); its service turns that into an [`Outbound`] call; the server queues it as a
//! [`Notification`] and a delivery task sends it. Each attempt is signed afresh by the provider (a
//! resend carries a new `Request-Time`) and its answer is judged by the provider (Alipay+: a signed
//! `S`; elepay: any 2xx). An attempt that is not acknowledged is sent again after the next delay of
//! the schedule ([`crate::Options::callback_resend_delays`]); when the schedule is used up the
//! notification is given up. Every attempt is kept for the test to inspect.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::server::{ControlError, Shared};

/// A call a provider wants made to the application: where, what, and what it is (for the record).
#[derive(Debug, Clone)]
pub(crate) struct Outbound {
    pub kind: String,
    pub url: String,
    pub body: Vec<u8>,
}

/// Where a notification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Not acknowledged yet; another attempt is due (or being made).
    Pending,
    /// The application acknowledged it.
    Acknowledged,
    /// Every attempt of the schedule went unacknowledged: the provider stops sending it.
    GaveUp,
}

/// One call the mock made (and repeats until acknowledged), with every attempt.
#[derive(Debug, Clone)]
pub struct Notification {
    /// The mock's own number, in the order the notifications were created.
    pub id: u64,
    /// `alipayplus`, `elepay`.
    pub provider: &'static str,
    /// What it is: `notifyPayment`, or the elepay event type (`charge.succeeded`).
    pub kind: String,
    /// Where it is sent.
    pub url: String,
    /// The body, the same bytes on every attempt.
    pub body: Vec<u8>,
    pub attempts: Vec<Attempt>,
    pub delivery: Delivery,
    due: Option<Instant>,
}

impl Notification {
    /// The body as JSON.
    pub fn value(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The body decoded as a type of your choice (the generated notification type).
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "kind": self.kind,
            "url": self.url,
            "body": self.value(),
            "delivery": match self.delivery {
                Delivery::Pending => "pending",
                Delivery::Acknowledged => "acknowledged",
                Delivery::GaveUp => "gave_up",
            },
            "attempts": self.attempts.iter().map(|a| json!({
                "headers": a.headers.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
                "status": a.status,
                "answer": String::from_utf8_lossy(&a.answer_body),
                "acknowledged": a.outcome.is_ok(),
                "reason": a.outcome.as_ref().err(),
            })).collect::<Vec<_>>(),
        })
    }
}

/// One attempt to deliver a notification, and the application's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The headers sent (Alipay+: `Client-Id`, `Request-Time`, `Signature`), names in lower case.
    pub headers: Vec<(String, String)>,
    /// The answer's status; `None` when there was no answer (refused, timed out).
    pub status: Option<u16>,
    /// The answer's headers, names in lower case.
    pub answer_headers: Vec<(String, String)>,
    pub answer_body: Vec<u8>,
    /// `Ok` when the answer acknowledged the notification, else why it did not.
    pub outcome: Result<(), String>,
}

impl Attempt {
    /// A header of the answer by name (any case).
    pub fn answer_header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.answer_headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }
}

/// The application's answer to one attempt, for the provider to judge.
pub(crate) struct Answer<'a> {
    pub status: u16,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

impl Answer<'_> {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The notifications of one provider, and the delivery settings.
#[derive(Debug, Default)]
pub(crate) struct Outbox {
    pub notifications: Vec<Notification>,
    /// The next this many acknowledgements are treated as lost (a resend follows).
    pub lose_acks: u32,
}

impl Outbox {
    pub(crate) fn queue(&mut self, provider: &'static str, id: u64, call: Outbound) {
        self.notifications.push(Notification {
            id,
            provider,
            kind: call.kind,
            url: call.url,
            body: call.body,
            attempts: Vec::new(),
            delivery: Delivery::Pending,
            due: Some(Instant::now()),
        });
    }

    pub(crate) fn pending(&self) -> usize {
        self.notifications.iter().filter(|n| n.delivery == Delivery::Pending).count()
    }

    pub(crate) fn to_json(&self) -> Value {
        list_json(&self.notifications)
    }
}

/// `{"notifications": [...]}` for the HTTP controls.
pub(crate) fn list_json(list: &[Notification]) -> Value {
    json!({"notifications": list.iter().map(Notification::to_json).collect::<Vec<_>>()})
}

/// How deliveries are paced.
#[derive(Debug, Clone)]
pub(crate) struct Schedule {
    pub resend_delays: Vec<Duration>,
    pub timeout: Duration,
}

impl Schedule {
    /// The longest a pending notification can take from now to be acknowledged or given up.
    pub(crate) fn bound(&self) -> Duration {
        let attempts = self.resend_delays.len() as u32 + 1;
        self.resend_delays.iter().sum::<Duration>() + self.timeout * attempts + Duration::from_secs(1)
    }
}

/// An attempt ready to be made, taken out of the lock.
struct Job {
    provider: &'static str,
    id: u64,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// The delivery task of a server: sends what is due, records each attempt, waits for the next due
/// time or for new notifications. Runs until aborted with the server.
pub(crate) async fn deliver(shared: Shared, wake: std::sync::Arc<tokio::sync::Notify>) {
    let http = client();
    loop {
        let (jobs, next) = due_jobs(&shared);
        if !jobs.is_empty() {
            for job in jobs {
                let sent = send(http.as_ref(), &shared, &job).await;
                record(&shared, &job, sent);
            }
            continue;
        }
        match next {
            Some(at) => {
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(at.saturating_duration_since(Instant::now())) => {}
                }
            }
            None => wake.notified().await,
        }
    }
}

/// The HTTP client for callbacks: payspec's own (rustls, no redirects followed), allowing plain http
/// since the application under test usually listens on loopback.
pub(crate) fn client() -> Result<payspec::reqwest::Client, String> {
    let builder = payspec::HttpClient::builder().map_err(|e| e.to_string())?.https_only(false);
    payspec::HttpClient::from_builder(builder).map(|c| c.as_reqwest().clone()).map_err(|e| e.to_string())
}

/// Takes the notifications due now (signing each attempt), and the earliest later due time.
fn due_jobs(shared: &Shared) -> (Vec<Job>, Option<Instant>) {
    let now = Instant::now();
    let mut inner = shared.lock();
    let mut jobs = Vec::new();
    let mut next: Option<Instant> = None;
    for mount in &mut inner.mounts {
        for n in &mut mount.outbox.notifications {
            match n.due {
                Some(at) if at <= now => {
                    n.due = None;
                    let headers = mount.service.sign_callback(&n.url, &n.body);
                    jobs.push(Job {
                        provider: n.provider,
                        id: n.id,
                        url: n.url.clone(),
                        headers,
                        body: n.body.clone(),
                    });
                }
                Some(at) => next = Some(next.map_or(at, |n| n.min(at))),
                None => {}
            }
        }
    }
    (jobs, next)
}

struct Sent {
    status: Option<u16>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    error: Option<String>,
}

async fn send(http: Result<&payspec::reqwest::Client, &String>, shared: &Shared, job: &Job) -> Sent {
    let failed = |error: String| Sent { status: None, headers: Vec::new(), body: Vec::new(), error: Some(error) };
    let http = match http {
        Ok(http) => http,
        Err(e) => return failed(format!("the mock has no HTTP client: {e}")),
    };
    let timeout = shared.lock().schedule.timeout;
    let mut request = http.post(&job.url).timeout(timeout).body(job.body.clone());
    for (name, value) in &job.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let response = match request.send().await {
        Ok(r) => r,
        Err(e) => return failed(format!("no answer: {e}")),
    };
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    match response.bytes().await {
        Ok(body) => Sent { status: Some(status), headers, body: body.to_vec(), error: None },
        Err(e) => {
            Sent { status: Some(status), headers, body: Vec::new(), error: Some(format!("the answer broke off: {e}")) }
        }
    }
}

/// Judges an attempt and schedules the resend, or closes the notification.
fn record(shared: &Shared, job: &Job, sent: Sent) {
    let mut inner = shared.lock();
    let delays = inner.schedule.resend_delays.clone();
    let Some(mount) = inner.mount(job.provider) else { return };
    let mut outcome = match (&sent.error, sent.status) {
        (Some(error), _) => Err(error.clone()),
        (None, Some(status)) => {
            let answer = Answer { status, headers: &sent.headers, body: &sent.body };
            mount.service.check_ack(&job.url, &answer)
        }
        (None, None) => Err("no answer".into()),
    };
    if outcome.is_ok() && mount.outbox.lose_acks > 0 {
        mount.outbox.lose_acks -= 1;
        outcome = Err("a good acknowledgement, lost on purpose (lose_ack control)".into());
    }
    let Some(n) = mount.outbox.notifications.iter_mut().find(|n| n.id == job.id) else { return };
    let acknowledged = outcome.is_ok();
    n.attempts.push(Attempt {
        headers: job.headers.clone(),
        status: sent.status,
        answer_headers: sent.headers,
        answer_body: sent.body,
        outcome,
    });
    if acknowledged {
        n.delivery = Delivery::Acknowledged;
    } else if let Some(delay) = delays.get(n.attempts.len() - 1) {
        n.due = Some(Instant::now() + *delay);
    } else {
        n.delivery = Delivery::GaveUp;
    }
}

/// Waits until no notification of `provider` is pending (each acknowledged or given up); returns
/// them all. Gives up waiting after the schedule's bound for each pending one.
pub(crate) async fn settle(shared: &Shared, provider: &str) -> Result<Vec<Notification>, ControlError> {
    let bound = {
        let mut inner = shared.lock();
        let bound = inner.schedule.bound();
        let pending = inner.mount(provider).map_or(0, |m| m.outbox.pending()) as u32;
        bound * pending.max(1)
    };
    let deadline = Instant::now() + bound;
    loop {
        {
            let mut inner = shared.lock();
            let mount = inner.mount(provider).ok_or_else(|| ControlError(format!("no provider {provider} here")))?;
            if mount.outbox.pending() == 0 {
                return Ok(mount.outbox.notifications.clone());
            }
        }
        if Instant::now() >= deadline {
            return Err(ControlError(format!("{provider} notifications still pending after {} ms", bound.as_millis())));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// GETs `url` as the user's browser would after a redirect, without following further redirects;
/// returns the status.
pub(crate) async fn get(url: &str) -> Result<u16, ControlError> {
    let http = client().map_err(ControlError)?;
    let response = http
        .get(url)
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map_err(|e| ControlError(format!("GET {url}: {e}")))?;
    Ok(response.status().as_u16())
}
