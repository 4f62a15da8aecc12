#!/usr/bin/python3
"""s3c.py — the tests' S3 reader: a small client that signs its own requests
(AWS Signature V4, Python's standard library only), so that a test reads back
what the uploader stored with code that shares nothing with eod's S3 client,
and the SigV4 verifier in front of the local S3 checks its signatures too.
It starts in some 50 ms where the AWS CLI takes over a second of CPU, which
matters to suites that read the bucket after every run.

usage: s3c.py [--endpoint URL] COMMAND ARGS
  ls BUCKET [PREFIX]      one line per object, sorted: KEY<TAB>ETAG<TAB>SIZE
  get BUCKET KEY FILE     the object into FILE
  head BUCKET KEY         the object's ETag (no quotes)
  rm BUCKET KEY           deletes the object
  mb BUCKET               makes the bucket
  cp-r BUCKET DIR         every object of BUCKET into DIR/KEY

The endpoint is --endpoint or $S3 (path-style requests, e.g.
http://127.0.0.1:PORT); the keys are $AWS_ACCESS_KEY_ID and
$AWS_SECRET_ACCESS_KEY (default S3RVER, s3rver's), the region
$AWS_DEFAULT_REGION (default us-east-1). An HTTP error prints the method, the
URL, the status and the start of the body on stderr and exits 1; a usage
error exits 2.
"""
import datetime
import hashlib
import hmac
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def quote(s, safe=""):
    return urllib.parse.quote(s, safe=safe + "-_.~")


class S3:
    def __init__(self, endpoint):
        u = urllib.parse.urlsplit(endpoint)
        self.base = f"{u.scheme}://{u.netloc}"
        self.host = u.netloc
        self.key = os.environ.get("AWS_ACCESS_KEY_ID", "S3RVER")
        self.secret = os.environ.get("AWS_SECRET_ACCESS_KEY", "S3RVER")
        self.region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")

    def request(self, method, bucket, key="", query=None, body=b""):
        path = "/" + quote(bucket) + ("/" + quote(key, "/") if key else "")
        pairs = sorted((quote(k), quote(v)) for k, v in (query or {}).items())
        qs = "&".join(f"{k}={v}" for k, v in pairs)
        now = datetime.datetime.now(datetime.timezone.utc)
        stamp, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
        payload = hashlib.sha256(body).hexdigest() if body else EMPTY_SHA256
        headers = {"host": self.host, "x-amz-content-sha256": payload, "x-amz-date": stamp}
        signed = ";".join(sorted(headers))
        canonical = "\n".join([method, path, qs] + [f"{h}:{headers[h]}" for h in sorted(headers)]
                              + ["", signed, payload])
        scope = f"{day}/{self.region}/s3/aws4_request"
        to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
        k = ("AWS4" + self.secret).encode()
        for part in (day, self.region, "s3", "aws4_request"):
            k = hmac.new(k, part.encode(), hashlib.sha256).digest()
        sig = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
        headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={self.key}/{scope}, "
                                    f"SignedHeaders={signed}, Signature={sig}")
        del headers["host"]
        url = self.base + path + ("?" + qs if qs else "")
        req = urllib.request.Request(url, data=body or None, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.read(), r.headers
        except urllib.error.HTTPError as e:
            sys.stderr.write(f"s3c: {method} {url}: HTTP {e.code}: {e.read()[:300]!r}\n")
            sys.exit(1)
        except (urllib.error.URLError, OSError) as e:
            sys.stderr.write(f"s3c: {method} {url}: {e}\n")
            sys.exit(1)

    def ls(self, bucket, prefix=""):
        out, token = [], None
        while True:
            q = {"list-type": "2", "prefix": prefix}
            if token:
                q["continuation-token"] = token
            body, _ = self.request("GET", bucket, query=q)
            root = ET.fromstring(body)
            #  S3 and s3rver name different namespaces: tags are read without.
            for e in root.iter():
                e.tag = e.tag.rpartition("}")[2]
            for c in root.iter("Contents"):
                out.append((c.findtext("Key"), (c.findtext("ETag") or "").strip('"'), c.findtext("Size")))
            if root.findtext("IsTruncated") != "true":
                return sorted(out)
            token = root.findtext("NextContinuationToken")


def main(argv):
    endpoint = os.environ.get("S3", "")
    if len(argv) >= 2 and argv[0] == "--endpoint":
        endpoint, argv = argv[1], argv[2:]
    want = {"ls": (1, 2), "get": (3, 3), "head": (2, 2), "rm": (2, 2), "mb": (1, 1), "cp-r": (2, 2)}
    if not argv or argv[0] not in want or not want[argv[0]][0] <= len(argv) - 1 <= want[argv[0]][1] \
            or not endpoint:
        sys.stderr.write(__doc__)
        return 2
    s3, cmd, args = S3(endpoint), argv[0], argv[1:]
    if cmd == "ls":
        for key, etag, size in s3.ls(*args):
            print(f"{key}\t{etag}\t{size}")
    elif cmd == "get":
        body, _ = s3.request("GET", args[0], args[1])
        with open(args[2], "wb") as f:
            f.write(body)
    elif cmd == "head":
        _, headers = s3.request("HEAD", args[0], args[1])
        print((headers.get("ETag") or "").strip('"'))
    elif cmd == "rm":
        s3.request("DELETE", args[0], args[1])
    elif cmd == "mb":
        s3.request("PUT", args[0])
    else:
        for key, _, _ in s3.ls(args[0]):
            path = os.path.join(args[1], key)
            if os.path.relpath(path, args[1]).startswith(".."):
                sys.stderr.write(f"s3c: the key {key!r} leaves {args[1]}\n")
                return 1
            os.makedirs(os.path.dirname(path), exist_ok=True)
            body, _ = s3.request("GET", args[0], key)
            with open(path, "wb") as f:
                f.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
