// Loopback throughput of the npm `line-pay-merchant` client (LINE Pay v3, axios underneath) making
// the same signed capture call as bench/src/bin/throughput_bench.rs, against the same fake LINE Pay
// server, so the numbers sit beside the Rust clients' in bench/throughput.sh.
//
//   node bench/npm/bench.mjs 127.0.0.1:PORT [SECONDS]
//
// 1 and then 64 concurrent callers, 3 runs of SECONDS (default 3) each; prints the median calls/s in
// the Rust bench's report format. (The Rust bench alternates its two clients within each caller
// count; here there is one client, so the 3 runs simply follow one another.) Every call is checked
// (returnCode 0000 and the transaction id echoed back); the first failure aborts the run, exit 1.
//
// Redirection. The library has no base-URL option: createAuthHttpClient() makes an axios instance
// with baseURL https://sandbox-api-pay.line.me (or https://api-pay.line.me for env 'production'),
// and each API builds only the path, e.g. capture posts `/v3/payments/authorizations/${id}/capture`.
// The request interceptor signs HMAC-SHA256(secret, secret + config.url + JSON body + nonce), where
// config.url is still that path: axios joins baseURL and url only later, in its HTTP adapter. So
// changing the instance's defaults.baseURL moves the call to http://127.0.0.1:PORT and leaves the
// signed path, body, headers and the library's response checks exactly as in a real call. The
// instance is not on the client object, but the library's documented handler middleware hands it to
// every handler as `httpClient` (ApiHandlerParams.httpClient); `toLoopback` below is such a handler
// and sets the defaults before the call goes on to `next`. axios reads instance defaults when each
// request starts, so the very first call already goes to loopback. As a guard, the https agent is
// one that refuses to connect: a call that somehow still aimed at LINE's servers fails at once
// instead of leaving the machine.
//
// Connections. By default the library passes no agent to axios, so node's http.globalAgent is used.
// On node >= 19 (this machine runs node 20) that global agent keeps connections alive (keepAlive
// true, 5 s idle timeout, no socket limit); on the node versions the package declares in its
// "engines" (>= 10.12 and <= 17) it does not, and every call opens a new TCP connection. To compare
// fairly with the Rust clients, whose pools reuse connections, this bench sets its own
// http.Agent({ keepAlive: true }) (no socket limit, so 64 callers get up to 64 connections, as
// reqwest's pool does). `proxy: false` keeps axios from routing loopback calls through an
// http_proxy/HTTP_PROXY from the environment.

import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { createLinePayClient } from 'line-pay-merchant';

const CHANNEL_ID = '1234567890';
const SECRET = 'a-channel-secret-of-32-characters';
const TRANSACTION = '2021121300698360310';
const RUNS = 3;

const [addr = '127.0.0.1:18090', secondsArg = '3'] = process.argv.slice(2);
const seconds = Number(secondsArg);
if (!Number.isFinite(seconds) || seconds <= 0) fail(`SECONDS must be a positive number, not ${secondsArg}`);
const base = new URL(`http://${addr}`);
if (!/^127\.\d+\.\d+\.\d+$/.test(base.hostname) || !base.port) {
  fail(`usage: node bench/npm/bench.mjs 127.0.0.1:PORT [SECONDS] (loopback addresses only), not ${addr}`);
}
const baseURL = base.origin;

const keepAlive = new http.Agent({ keepAlive: true });
const refuseHttps = new https.Agent();
refuseHttps.createConnection = () => {
  throw new Error('bench: refusing an https connection; every call must go to the loopback server');
};

// The library's own handler middleware: point the axios instance it uses at the fake server.
function toLoopback({ req, next, httpClient }) {
  const defaults = httpClient.defaults;
  if (defaults.baseURL !== baseURL) {
    defaults.baseURL = baseURL;
    defaults.httpAgent = keepAlive;
    defaults.httpsAgent = refuseHttps;
    defaults.proxy = false;
  }
  return next(req);
}

const linePay = createLinePayClient({ channelId: CHANNEL_ID, channelSecretKey: SECRET, env: 'development' });
const capture = linePay.capture.addHandler(toLoopback);
const request = { transactionId: TRANSACTION, body: { amount: 1000, currency: 'TWD' } };

async function captureOnce() {
  // The library itself throws on HTTP errors, timeouts and return codes not starting with '0';
  // this also insists on the exact success code and the transaction echoed back (the library turns
  // transactionId into a string, as it does not fit a JavaScript number).
  const { body } = await capture.send(request);
  if (body.returnCode !== '0000' || body.info?.transactionId !== TRANSACTION) {
    throw new Error(`capture failed: ${JSON.stringify(body)}`);
  }
}

/** Calls per second with `callers` concurrent callers looping for `seconds`. */
async function rate(callers) {
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const caller = async () => {
    let done = 0;
    while (performance.now() < deadline) {
      await captureOnce();
      done += 1;
    }
    return done;
  };
  const counts = await Promise.all(Array.from({ length: callers }, caller));
  const total = counts.reduce((a, b) => a + b, 0);
  return total / ((performance.now() - start) / 1000);
}

function report(name, value) {
  console.log(name.padEnd(48) + ' ' + value.padStart(14) + '   goal ' + '-'.padEnd(18) + ' met');
}

function fail(message) {
  console.error(`bench.mjs: ${message}`);
  process.exit(1);
}

try {
  for (const callers of [1, 64]) {
    const rates = [];
    for (let run = 0; run < RUNS; run += 1) rates.push(await rate(callers));
    rates.sort((a, b) => a - b);
    const median = rates[Math.floor(rates.length / 2)];
    report(`${String(callers).padStart(2)} caller(s): npm line-pay-merchant`, `${median.toFixed(0)}/s`);
  }
} catch (error) {
  // LinePayApiError and HttpError carry the HTTP status and the answer's body.
  const answer = error?.data === undefined ? '' : ` (HTTP ${error.statusCode}, answer ${JSON.stringify(error.data)})`;
  fail(`a call failed, run aborted: ${error?.stack ?? error}${answer}`);
} finally {
  keepAlive.destroy();
  refuseHttps.destroy();
}
