#!/usr/bin/python3
"""sigv4_verify - a SigV4-checking reverse proxy in front of s3rver.

The local S3 of the demo and the tests is s3rver 3.7.1, which does not check
Signature Version 4 at all (a wrong secret is accepted). This proxy sits in
front of it and checks every request the way S3 does, using botocore's
signer for the arithmetic: the canonical URI is built as S3 builds it
(percent-decode the path, re-encode with quote(path, safe="/~")), so a client
that signs a raw '=' (curl 7.88 without key encoding) is refused.

Rejections: missing auth (403 AccessDenied), unknown access key
(403 InvalidAccessKeyId), wrong signature (403 SignatureDoesNotMatch), missing
or mismatching x-amz-content-sha256 (400), a signed header that is absent
(403 AccessDenied), clock skew over 15 minutes (403 RequestTimeTooSkewed).
Accepted PUT and HEAD requests of an object (not of a bucket, so creating
the bucket at start-up never fails) may get an injected fault: --fault-500
answers 500 InternalError, --fault-slowdown 503 SlowDown, --fault-stall
holds the answer --stall-s seconds (a client's timeout), drawn from an RNG
seeded with --seed. As S3 does, a request signed for another region than
--region gets 400 AuthorizationHeaderMalformed naming the bucket's region,
and one for a bucket of --moved-bucket (a bucket that lives behind another
endpoint) 301 PermanentRedirect naming that endpoint; a bucket that does not
exist gets s3rver's 404 NoSuchBucket. Other accepted requests are forwarded to --upstream
without the Authorization header (s3rver lets anonymous requests through, so
keys other than S3RVER work).

Options may also come from the environment variable EOD_S3_VERIFY_ARGS
(split like a shell command line, placed before the command line's own), so
tests can turn faults on through tests/s3/start.sh and the launcher, which
pass the environment down.

GET /_verify/stats answers JSON counts: requests, accepted, rejections by
code, injected faults by kind ("faults") and by method ("faults_by_method"),
requests eligible for a fault ("fault_candidates"). One log line per request
on stderr; secrets are never printed. Must run with Debian's /usr/bin/python3
(python3-botocore).
"""
import argparse
import datetime
import hashlib
import hmac
import http.client
import json
import os
import random
import re
import shlex
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote_to_bytes, urlsplit

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

MAX_SKEW_SECONDS = 15 * 60           # S3 and s3rver refuse older or newer requests
SPOOL_IN_MEMORY = 8 * 1024 * 1024    # bodies above this spill to a temp file
COPY_CHUNK = 64 * 1024
UPSTREAM_TIMEOUT_S = 60
REQUIRED_SIGNED = ("host", "x-amz-content-sha256", "x-amz-date")
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailer", "transfer-encoding", "upgrade", "expect", "content-length"}
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
AUTH_RE = re.compile(r"^AWS4-HMAC-SHA256\s+(.*)$")
STATS_PATH = "/_verify/stats"
ARGS_ENV = "EOD_S3_VERIFY_ARGS"       # extra options from the environment
FAULT_METHODS = ("PUT", "HEAD")      # object requests that may get a fault


class Rejection(Exception):
    """A request the verifier refuses: HTTP status, S3 error code, message."""

    def __init__(self, status, code, message, extra=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra or {}


class ClientSignedAuth(S3SigV4Auth):
    """S3SigV4Auth that signs exactly the headers the client listed in
    SignedHeaders (botocore would otherwise pick its own set and drop
    'expect' or 'user-agent') and canonicalises the query as S3 does."""

    def __init__(self, credentials, service, region, signed_headers):
        super().__init__(credentials, service, region)
        self._signed_headers = signed_headers   # [(lower name, [values])]

    def headers_to_sign(self, request):
        header_map = HTTPHeaders()
        for name, values in self._signed_headers:
            for value in values:
                header_map[name] = value
        return header_map

    def canonical_query_string(self, request):
        query = urlsplit(request.url).query
        if not query:
            return ""
        pairs = []
        for pair in query.split("&"):
            key, _, value = pair.partition("=")
            pairs.append((quote(unquote_to_bytes(key), safe="-_.~"),
                          quote(unquote_to_bytes(value), safe="-_.~")))
        return "&".join(f"{k}={v}" for k, v in sorted(pairs))


class Verifier:
    """Shared state: keys, upstream, fault injection and the counters."""

    def __init__(self, keys, upstream, fault_500, fault_slowdown, seed, fault_stall=0.0,
                 region=None, moved=()):
        self.keys = keys
        self.upstream = urlsplit(upstream)
        self.fault_500 = fault_500
        self.fault_slowdown = fault_slowdown
        self.fault_stall = fault_stall
        self.region = region
        self.moved = set(moved)
        self.stall_s = 30.0
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.stats = {"requests": 0, "accepted": 0, "rejected": {}, "rejected_total": 0,
                      "faults": {"500": 0, "slowdown": 0, "stall": 0}, "faults_by_method": {},
                      "fault_candidates": 0, "upstream_errors": 0, "by_method": {}}

    def count(self, field, sub=None):
        with self.lock:
            if sub is None:
                self.stats[field] += 1
            else:
                self.stats[field][sub] = self.stats[field].get(sub, 0) + 1

    def reject(self, code):
        with self.lock:
            self.stats["rejected"][code] = self.stats["rejected"].get(code, 0) + 1
            self.stats["rejected_total"] += 1

    def draw_fault(self, method):
        """The fault for one eligible request: "500", "slowdown", "stall" or
        None. Draws nothing when no fault is configured, so the RNG sequence
        depends only on the eligible requests."""
        if self.fault_500 <= 0.0 and self.fault_slowdown <= 0.0 and self.fault_stall <= 0.0:
            return None
        with self.lock:
            self.stats["fault_candidates"] += 1
            roll = self.rng.random()
            kind = None
            if roll < self.fault_500:
                kind = "500"
            elif roll < self.fault_500 + self.fault_slowdown:
                kind = "slowdown"
            elif roll < self.fault_500 + self.fault_slowdown + self.fault_stall:
                kind = "stall"
            if kind:
                self.stats["faults"][kind] += 1
                by_method = self.stats["faults_by_method"]
                by_method[method] = by_method.get(method, 0) + 1
            return kind

    def snapshot(self):
        with self.lock:
            return json.loads(json.dumps(self.stats))


def is_object_request(host, path):
    """True when HOST and PATH name an object (a key in a bucket), false for
    the service or a bucket. Path style: /BUCKET/KEY; virtual-hosted style
    (BUCKET.s3.HOST): /KEY."""
    hostname = (host or "").split(":")[0].lower()
    segments = path.lstrip("/")
    if ".s3." in hostname or hostname.endswith(".localhost"):
        return segments != ""
    bucket, sep, key = segments.partition("/")
    return bool(bucket and sep and key)


def bucket_of(host, path):
    """The bucket a request names: BUCKET.s3.HOST, or the first segment of
    a path-style PATH; "" for the service."""
    hostname = (host or "").split(":")[0].lower()
    if ".s3." in hostname or hostname.endswith(".localhost"):
        return hostname.split(".")[0]
    return path.lstrip("/").partition("/")[0]


def parse_authorization(value):
    match = AUTH_RE.match(value)
    if not match:
        raise Rejection(400, "AuthorizationHeaderMalformed",
                        "only AWS4-HMAC-SHA256 authorization is supported")
    fields = {}
    for part in match.group(1).split(","):
        name, sep, val = part.strip().partition("=")
        if not sep:
            raise Rejection(400, "AuthorizationHeaderMalformed",
                            f"malformed authorization component '{name}'")
        fields[name] = val
    for name in ("Credential", "SignedHeaders", "Signature"):
        if name not in fields:
            raise Rejection(400, "AuthorizationHeaderMalformed", f"missing {name}")
    scope = fields["Credential"].split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        raise Rejection(400, "AuthorizationHeaderMalformed", "malformed Credential scope")
    signed = [h.strip() for h in fields["SignedHeaders"].split(";") if h.strip()]
    return scope, signed, fields["Signature"]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sigv4-verify"
    verifier = None   # set in main

    def log_message(self, format, *args):   # the default log prints every header line
        pass

    def _log(self, verdict):
        path = urlsplit(self.path).path
        sys.stderr.write(f"sigv4-verify: {self.command} {path} {verdict}\n")
        sys.stderr.flush()

    def do_GET(self):
        if urlsplit(self.path).path == STATS_PATH:
            body = json.dumps(self.verifier.snapshot()).encode()
            self._drain_body()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self._handle()

    def do_PUT(self):
        self._handle()

    def do_HEAD(self):
        self._handle()

    def do_DELETE(self):
        self._handle()

    def do_POST(self):
        self._handle()

    # -- body ------------------------------------------------------------
    def _read_body(self):
        """Spools the request body; returns (file, length, sha256 hex)."""
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        digest = hashlib.sha256()
        length = 0
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            while True:
                size_line = self.rfile.readline(1024)
                if not size_line:
                    raise Rejection(400, "IncompleteBody", "truncated chunked body")
                size = int(size_line.split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                remaining = size
                while remaining:
                    data = self.rfile.read(min(remaining, COPY_CHUNK))
                    if not data:
                        raise Rejection(400, "IncompleteBody", "truncated chunked body")
                    spool.write(data)
                    digest.update(data)
                    remaining -= len(data)
                length += size
                self.rfile.readline(1024)
        else:
            remaining = int(self.headers.get("Content-Length") or 0)
            while remaining > 0:
                data = self.rfile.read(min(remaining, COPY_CHUNK))
                if not data:
                    raise Rejection(400, "IncompleteBody", "body shorter than Content-Length")
                spool.write(data)
                digest.update(data)
                remaining -= len(data)
                length += len(data)
        spool.seek(0)
        return spool, length, digest.hexdigest()

    def _drain_body(self):
        try:
            self._read_body()[0].close()
        except (Rejection, ValueError):
            self.close_connection = True

    # -- verification ----------------------------------------------------
    def _verify(self, body_sha256):
        """Raises Rejection unless the request carries a valid signature."""
        auth = self.headers.get("Authorization")
        if not auth:
            query = urlsplit(self.path).query
            if "X-Amz-Signature=" in query:
                raise Rejection(403, "AccessDenied", "presigned URLs are not supported here")
            raise Rejection(403, "AccessDenied", "Anonymous requests are refused")
        scope, signed, signature = parse_authorization(auth)
        access_key, scope_date, region, service = scope[0], scope[1], scope[2], scope[3]
        bucket = bucket_of(self.headers.get("Host"), urlsplit(self.path).path)
        if bucket and bucket in self.verifier.moved:
            raise Rejection(301, "PermanentRedirect",
                            "The bucket you are attempting to access must be addressed using the "
                            "specified endpoint. Please send all future requests to this endpoint.",
                            {"Endpoint": f"{bucket}.s3.us-west-2.amazonaws.com", "Bucket": bucket})
        if self.verifier.region and region != self.verifier.region:
            raise Rejection(400, "AuthorizationHeaderMalformed",
                            f"The authorization header is malformed; the region '{region}' is wrong; "
                            f"expecting '{self.verifier.region}'", {"Region": self.verifier.region})
        secret = self.verifier.keys.get(access_key)
        if secret is None:
            raise Rejection(403, "InvalidAccessKeyId",
                            "The AWS Access Key Id you provided does not exist in our records.")
        content_sha = self.headers.get("x-amz-content-sha256")
        if content_sha is None:
            raise Rejection(400, "InvalidRequest",
                            "Missing required header for this request: x-amz-content-sha256")
        if SHA256_HEX.match(content_sha):
            if content_sha != body_sha256:
                raise Rejection(400, "XAmzContentSHA256Mismatch",
                                "The provided 'x-amz-content-sha256' header does not match "
                                "what was computed.")
        elif content_sha != "UNSIGNED-PAYLOAD":
            raise Rejection(400, "InvalidArgument",
                            "x-amz-content-sha256 must be a hex SHA-256 or UNSIGNED-PAYLOAD")
        for name in REQUIRED_SIGNED:
            if name not in signed:
                raise Rejection(403, "AccessDenied",
                                f"'{name}' must be a signed header")
        values = []
        for name in signed:
            got = self.headers.get_all(name)
            if not got:
                raise Rejection(403, "AccessDenied",
                                f"'{name}' is named as a SignedHeader, but it does not exist")
            values.append((name, got))
        amz_date = self.headers.get("x-amz-date", "")
        try:
            when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(
                tzinfo=datetime.timezone.utc)
        except ValueError:
            raise Rejection(403, "AccessDenied", "x-amz-date is not YYYYMMDDTHHMMSSZ")
        skew = abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds())
        if skew > MAX_SKEW_SECONDS:
            raise Rejection(403, "RequestTimeTooSkewed",
                            "The difference between the request time and the current time "
                            "is too large.")
        if scope_date != amz_date[:8]:
            raise Rejection(403, "SignatureDoesNotMatch",
                            "Credential scope date does not match x-amz-date")

        parts = urlsplit(self.path)
        canonical_path = quote(unquote_to_bytes(parts.path), safe="/~")
        url = "http://" + self.headers.get("Host", "localhost") + canonical_path
        if parts.query:
            url += "?" + parts.query
        request = AWSRequest(method=self.command, url=url,
                             headers={"X-Amz-Content-SHA256": content_sha})
        request.context["timestamp"] = amz_date
        signer = ClientSignedAuth(Credentials(access_key, secret), service, region, values)
        canonical_request = signer.canonical_request(request)
        string_to_sign = signer.string_to_sign(request, canonical_request)
        expected = signer.signature(string_to_sign, request)
        if not hmac.compare_digest(expected, signature):
            raise Rejection(403, "SignatureDoesNotMatch",
                            "The request signature we calculated does not match the "
                            "signature you provided. Check your key and signing method.",
                            {"AWSAccessKeyId": access_key, "StringToSign": string_to_sign,
                             "CanonicalRequest": canonical_request})

    # -- replies ---------------------------------------------------------
    def _send_error(self, status, code, message, extra=None):
        fields = {"Code": code, "Message": message}
        fields.update(extra or {})
        fields["RequestId"] = uuid.uuid4().hex[:16].upper()
        xml = "".join(f"<{k}>{_xml_escape(v)}</{k}>" for k, v in fields.items())
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error>' + xml + "</Error>").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("x-amz-request-id", fields["RequestId"])
        if self.command == "HEAD":
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _forward(self, body, length):
        upstream = self.verifier.upstream
        conn = http.client.HTTPConnection(upstream.hostname, upstream.port,
                                          timeout=UPSTREAM_TIMEOUT_S)
        try:
            headers = {}
            for name, value in self.headers.items():
                lname = name.lower()
                if lname in HOP_BY_HOP or lname in ("authorization", "x-amz-security-token"):
                    continue
                headers[name] = value
            conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers.items():
                conn.putheader(name, value)
            if self.command in ("PUT", "POST") or length:
                conn.putheader("Content-Length", str(length))
            conn.endheaders()
            while True:
                data = body.read(COPY_CHUNK)
                if not data:
                    break
                conn.send(data)
            resp = conn.getresponse()
            self.send_response(resp.status, resp.reason)
            for name, value in resp.getheaders():
                if name.lower() in HOP_BY_HOP:
                    continue
                self.send_header(name, value)
            if self.command == "HEAD":
                declared = resp.getheader("Content-Length")
                self.send_header("Content-Length", declared if declared else "0")
                self.end_headers()
                resp.read()
                return resp.status
            declared = resp.getheader("Content-Length")
            if declared is not None and resp.getheader("Transfer-Encoding") is None:
                self.send_header("Content-Length", declared)
                self.end_headers()
                while True:
                    data = resp.read(COPY_CHUNK)
                    if not data:
                        break
                    self.wfile.write(data)
            else:
                data = resp.read()
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            return resp.status
        finally:
            conn.close()

    def _handle(self):
        verifier = self.verifier
        verifier.count("requests")
        verifier.count("by_method", self.command)
        body = None
        try:
            try:
                body, length, body_sha = self._read_body()
            except ValueError:
                self.close_connection = True
                raise Rejection(400, "IncompleteBody", "unreadable request body")
            self._verify(body_sha)
        except Rejection as rejection:
            verifier.reject(rejection.code)
            self._log(f"REJECT {rejection.status} {rejection.code}: {rejection.message}")
            self._send_error(rejection.status, rejection.code, rejection.message, rejection.extra)
            if body:
                body.close()
            return
        try:
            fault = None
            if self.command in FAULT_METHODS and is_object_request(
                    self.headers.get("Host"), urlsplit(self.path).path):
                fault = verifier.draw_fault(self.command)
            if fault == "500":
                self._log("FAULT 500 InternalError")
                self._send_error(500, "InternalError",
                                 "We encountered an internal error. Please try again.")
                return
            if fault == "slowdown":
                self._log("FAULT 503 SlowDown")
                self._send_error(503, "SlowDown", "Please reduce your request rate.")
                return
            if fault == "stall":
                self._log(f"FAULT stall {verifier.stall_s} s")
                time.sleep(verifier.stall_s)
                self.close_connection = True
                self._send_error(500, "InternalError", "stalled answer")
                return
            try:
                status = self._forward(body, length)
            except OSError as exc:
                verifier.count("upstream_errors")
                self._log(f"UPSTREAM ERROR {exc.__class__.__name__}")
                self._send_error(503, "ServiceUnavailable", "upstream S3 is unavailable")
                return
            verifier.count("accepted")
            self._log(f"OK {status}")
        finally:
            body.close()


def _xml_escape(value):
    return (str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _parse_listen(text):
    host, sep, port = text.rpartition(":")
    if not sep or not host:
        raise argparse.ArgumentTypeError("expected HOST:PORT")
    return host, int(port)


def _parse_rate(text):
    rate = float(text)
    if not 0.0 <= rate <= 1.0:
        raise argparse.ArgumentTypeError("a rate is between 0 and 1")
    return rate


def main():
    parser = argparse.ArgumentParser(description="SigV4-verifying proxy in front of s3rver")
    parser.add_argument("--listen", type=_parse_listen, default=("127.0.0.1", 18081),
                        help="HOST:PORT to listen on (port 0 picks a free one)")
    parser.add_argument("--upstream", default="http://127.0.0.1:4568",
                        help="s3rver base URL")
    parser.add_argument("--key", action="append", default=[],
                        help="ACCESS_KEY:SECRET accepted (repeatable; default S3RVER:S3RVER)")
    parser.add_argument("--fault-500", type=_parse_rate, default=0.0,
                        help="share of valid requests answered 500 InternalError")
    parser.add_argument("--fault-slowdown", type=_parse_rate, default=0.0,
                        help="share of valid requests answered 503 SlowDown")
    parser.add_argument("--fault-stall", type=_parse_rate, default=0.0,
                        help="share of valid requests whose answer is held --stall-s seconds")
    parser.add_argument("--stall-s", type=float, default=30.0,
                        help="seconds a stalled answer is held")
    parser.add_argument("--region", default=None,
                        help="the buckets' region: a request signed for another gets 400 "
                             "AuthorizationHeaderMalformed (default: any)")
    parser.add_argument("--moved-bucket", action="append", default=[],
                        help="a bucket answered 301 PermanentRedirect (repeatable)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the fault draws")
    args = parser.parse_args(shlex.split(os.environ.get(ARGS_ENV, "")) + sys.argv[1:])

    keys = {}
    for pair in args.key or ["S3RVER:S3RVER"]:
        access, sep, secret = pair.partition(":")
        if not sep or not access or not secret:
            parser.error("--key takes ACCESS_KEY:SECRET")
        keys[access] = secret
    upstream = urlsplit(args.upstream)
    if upstream.scheme != "http" or not upstream.hostname or not upstream.port:
        parser.error("--upstream must be http://HOST:PORT")
    if args.fault_500 + args.fault_slowdown + args.fault_stall > 1.0:
        parser.error("fault rates add up to more than 1")

    Handler.verifier = Verifier(keys, args.upstream, args.fault_500, args.fault_slowdown,
                                args.seed, args.fault_stall, args.region, args.moved_bucket)
    Handler.verifier.stall_s = args.stall_s
    server = ThreadingHTTPServer(args.listen, Handler)
    server.daemon_threads = True
    host, port = server.server_address[:2]
    print(f"sigv4-verify listening on {host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
