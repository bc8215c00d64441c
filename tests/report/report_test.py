#!/usr/bin/env python3
"""`vtop CAPTURE report --html FILE` in a real headless browser (Debian's
chromium), TAP output: the page is self-contained, the DOM the browser
builds carries the counts `protections --json` gives for the same capture,
the finding filter hides exactly the rows without that finding, and a
screenshot is written under build/report/ for people to look at.
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "efi"))
import e2e  # noqa: E402  (TAP counters shared with the EFI tests)

tap = e2e.tap


def browser(args, *extra, url):
    cmd = [args.chromium, "--headless", "--no-sandbox", "--disable-gpu",
           f"--user-data-dir={os.path.join(args.out, 'chromium-profile')}",
           "--window-size=1300,1600", *extra, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def report(args, cap, tag):
    html = os.path.join(args.out, f"{tag}.html")
    p = subprocess.run([args.vtop, cap, "report", "--html", html], capture_output=True, text=True)
    tap(p.returncode == 0 and os.path.exists(html), f"{tag}: report --html writes the page",
        p.stderr)
    if p.returncode:
        return
    text = open(html, encoding="utf-8").read()
    external = re.findall(r"""(?:src|href)\s*=|<link|@import|url\(""", text)
    tap(not external and "<script src" not in text,
        f"{tag}: self-contained (no external script, style, image or link)", external[:5])
    js = subprocess.run([args.vtop, "--json", cap, "protections"], capture_output=True, text=True)
    objs = [json.loads(l) for l in js.stdout.splitlines() if l.startswith("{")]
    want = {o["check"]: (o["status"], o["count"]) for o in objs if o.get("id") != "guard"}
    dom = browser(args, "--dump-dom", url="file://" + os.path.abspath(html)).stdout
    got = {m[1]: (m[2], int(m[3])) for m in re.finditer(
        r'<tr data-check="([^"]+)" data-status="([^"]+)" data-count="(\d+)"', dom)}
    tap(len(want) == 11 and got == want,
        f"{tag}: the browser's DOM holds the 11 checks with the counts of protections --json",
        f"dom {got}\njson {want}")
    wx = {o["type"]: o["wx"] for o in objs if o.get("check") == "nx-by-type"
          for o in o["types"]} if objs else {}
    got_wx = {m[1]: int(m[2]) for m in re.finditer(r'<tr data-type="([^"]+)" data-wx="(\d+)"', dom)}
    tap(wx and got_wx == wx, f"{tag}: W+X pages per memory type in the DOM as in the JSON",
        f"dom {got_wx}\njson {wx}")
    rows = re.findall(r'<tr class="([^"]*)">', dom)
    with_wx = sum(1 for c in rows if "f-wx " in c)
    fdom = browser(args, "--dump-dom", url="file://" + os.path.abspath(html) + "#f=wx").stdout
    shown = [c for c in re.findall(r'<tr class="([^"]*)">', fdom) if "hidden" not in c]
    tap(rows and 0 < with_wx < len(rows) and len(shown) == with_wx and
        all("f-wx " in c for c in shown),
        f"{tag}: the finding filter (run by the browser) shows the {with_wx} W+X rows of "
        f"{len(rows)}", f"shown {len(shown)}")
    png = os.path.join(args.out, f"{tag}.png")
    if os.path.exists(png):
        os.unlink(png)
    browser(args, f"--screenshot={png}", url="file://" + os.path.abspath(html))
    size = os.path.getsize(png) if os.path.exists(png) else 0
    tap(size > 10000, f"{tag}: screenshot {png} ({size} bytes)")
    return dom


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vtop", default="build/vtop")
    ap.add_argument("--mkcapture", default="build/report/mkcapture")
    ap.add_argument("--chromium", default="chromium")
    ap.add_argument("--out", default="build/report")
    ap.add_argument("--live-capture", default="build/efi-test/prot-nxstack/cap.elf")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    cap = os.path.join(args.out, "synthetic.cap")
    p = subprocess.run([args.mkcapture, cap])
    tap(p.returncode == 0, "synthetic capture written")
    dom = report(args, cap, "synthetic") or ""
    tap("Driver&lt;&amp;&gt;" in dom and "Driver<&>" not in dom,
        "synthetic: image names are escaped")
    # The capture the EFI test took on OVMF, when that suite has run.
    if os.path.exists(args.live_capture):
        report(args, args.live_capture, "ovmf")
    else:
        print(f"# no {args.live_capture} (make test-protections writes it): OVMF page skipped")
    print(f"1..{e2e.N}")
    return 1 if e2e.FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
