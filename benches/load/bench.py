#!/usr/bin/env python3
"""Helper of benches/load/run.sh: generates a synthetic Shopify catalog,
prepares the request bodies wrk sends (and checks one of each for errors
first), times sequential guest purchases, and prints the final table.

Standard library only. Talks to 127.0.0.1 only.
"""

import csv
import http.client
import json
import os
import random
import statistics
import sys
import time
import uuid

# --------------------------------------------------------------------------
# Synthetic catalog


ADJECTIVES = [
    "linen", "cotton", "velvet", "wool", "silk", "leather", "copper", "oak",
    "ceramic", "marble", "bamboo", "canvas", "denim", "glass", "walnut",
    "brass", "rattan", "suede", "cashmere", "terracotta",
]
NOUNS = [
    "shirt", "scarf", "lamp", "chair", "vase", "bracelet", "bag", "cushion",
    "blanket", "mug", "bowl", "jacket", "hat", "belt", "planter", "candle",
    "rug", "wallet", "tray", "clock", "stool", "apron", "basket", "mirror",
    "notebook",
]
VENDORS = ["Atelier Nord", "Maison Claire", "Company 123", "Partners Demo", "Studio Nine"]
TYPES = ["Apparel", "Home", "Accessories", "Garden", "Kitchen", "Jewelry"]
TAGS = ["new", "sale", "gift", "bestseller", "eco", "handmade", "limited", "classic"]

HEADER = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Published",
    "Option1 Name", "Option1 Value", "Variant SKU", "Variant Grams",
    "Variant Inventory Tracker", "Variant Inventory Qty", "Variant Inventory Policy",
    "Variant Price", "Variant Compare At Price", "Image Src", "Image Position",
    "Image Alt Text",
]


def gen_csv(path, count):
    """`count` products, 2 variants (Small, Large) and 1 image each. One
    product in three tracks its stock (1,000,000 units, deny), the others do
    not track it (unlimited), as in Shopify exports."""
    rng = random.Random(42)
    with open(path, "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(HEADER)
        for i in range(1, count + 1):
            adj = rng.choice(ADJECTIVES)
            noun = rng.choice(NOUNS)
            title = f"{adj.capitalize()} {noun.capitalize()} {i}"
            handle = f"{adj}-{noun}-{i}"
            vendor = rng.choice(VENDORS)
            ptype = rng.choice(TYPES)
            tags = ", ".join(rng.sample(TAGS, 3))
            body = (f"<p>A {adj} {noun} made by {vendor}, number {i} of the "
                    f"benchmark catalog.</p><p>Generated for load testing.</p>")
            tracked = i % 3 == 0
            tracker = "shopify" if tracked else ""
            qty = "1000000" if tracked else "0"
            price = rng.randint(500, 20000)
            small = f"{price // 100}.{price % 100:02d}"
            large_minor = price + 500
            large = f"{large_minor // 100}.{large_minor % 100:02d}"
            compare = f"{(large_minor * 12 // 10) // 100}.00" if i % 5 == 0 else ""
            image = f"https://picsum.photos/seed/comptoir-bench-{i}/800/800"
            w.writerow([
                handle, title, body, vendor, ptype, tags, "true",
                "Size", "Small", f"B-{i}-S", "400", tracker, qty, "deny",
                small, "", image, "1", f"{title}, front view",
            ])
            w.writerow([
                handle, "", "", "", "", "", "",
                "", "Large", f"B-{i}-L", "600", tracker, qty, "deny",
                large, compare, "", "", "",
            ])


# --------------------------------------------------------------------------
# GraphQL client (keep-alive connection to 127.0.0.1)


class Client:
    def __init__(self, port):
        self.port = int(port)
        self.conn = None

    def post(self, body_bytes):
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request("POST", "/graphql", body=body_bytes,
                                  headers={"content-type": "application/json"})
                resp = self.conn.getresponse()
                data = resp.read()
                return resp.status, data
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise
        raise RuntimeError("unreachable")

    def gql(self, query, variables=None):
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        status, data = self.post(body)
        try:
            doc = json.loads(data)
        except ValueError:
            doc = {"errors": [{"message": f"not JSON: {data[:200]!r}"}]}
        return status, doc


def fail(msg):
    print(f"bench: {msg}", file=sys.stderr)
    sys.exit(1)


def check(status, doc, what, mutation=None):
    """Stops the benchmark on a non-200, a GraphQL error, or user errors."""
    if status != 200 or doc.get("errors"):
        fail(f"{what}: HTTP {status}: {json.dumps(doc)[:1000]}")
    if mutation is not None:
        payload = (doc.get("data") or {}).get(mutation)
        if payload is None or payload.get("userErrors"):
            fail(f"{what}: user errors: {json.dumps(doc)[:1000]}")
        return payload
    return doc.get("data")


# --------------------------------------------------------------------------
# The operations measured (what a shop front-end sends)

PRODUCT_CARD = """
  id handle title vendor productType availableForSale
  priceRange { minVariantPrice { amount currencyCode } maxVariantPrice { amount currencyCode } }
  featuredImage { url altText width height }
  images { url altText }
  variants(first: 10) {
    nodes { id sku title availableForSale quantityAvailable
            price { amount currencyCode } compareAtPrice { amount }
            selectedOptions { name value } }
  }
"""

LIST = ("query Listing { products(first: 20) { nodes {" + PRODUCT_CARD +
        "} pageInfo { hasNextPage endCursor } } }")

SEARCH = ("query Search($q: String!) { products(first: 20, query: $q) { nodes {" +
          PRODUCT_CARD + "} pageInfo { hasNextPage endCursor } } }")

BY_HANDLE = """query Product($handle: String!) { product(handle: $handle) {
  id handle title description descriptionHtml vendor productType tags
  options { name values }
  featuredImage { url altText width height }
  images { url altText width height }
  priceRange { minVariantPrice { amount currencyCode } maxVariantPrice { amount currencyCode } }
  compareAtPriceRange { minVariantPrice { amount } maxVariantPrice { amount } }
  variants(first: 50) { nodes { id sku title availableForSale quantityAvailable
    price { amount currencyCode } compareAtPrice { amount } selectedOptions { name value }
    image { url altText } } }
} }"""

CART_FIELDS = """
  id totalQuantity checkoutReady
  lines(first: 50) { nodes { id quantity merchandise { id sku title }
    cost { amountPerQuantity { amount } subtotalAmount { amount } } } }
  cost { subtotalAmount { amount currencyCode } shippingAmount { amount }
         discountAmount { amount } totalAmount { amount currencyCode } }
"""

CART_CREATE = ("mutation CartCreate($input: CartInput) { cartCreate(input: $input) { cart {" +
               CART_FIELDS + "} userErrors { field message code } } }")

LINES_ADD = ("mutation LinesAdd($cartId: ID!, $lines: [CartLineInput!]!) { "
             "cartLinesAdd(cartId: $cartId, lines: $lines) { cart {" + CART_FIELDS +
             "} userErrors { field message code } } }")

BUYER = ("mutation Buyer($cartId: ID!, $buyerIdentity: CartBuyerIdentityInput!) { "
         "cartBuyerIdentityUpdate(cartId: $cartId, buyerIdentity: $buyerIdentity) { "
         "cart { id email } userErrors { field message code } } }")

ADDRESS = ("mutation Address($cartId: ID!, $address: CartAddressInput!) { "
           "cartShippingAddressUpdate(cartId: $cartId, address: $address) { "
           "cart { id shippingAddress { firstName city countryCode } "
           "availableShippingMethods { handle title price { amount } } } "
           "userErrors { field message code } } }")

SHIPPING = ("mutation Shipping($cartId: ID!, $handle: String!) { "
            "cartShippingMethodUpdate(cartId: $cartId, handle: $handle) { "
            "cart { id checkoutReady checkoutBlockers selectedShippingMethod { handle } "
            "cost { totalAmount { amount currencyCode } } } "
            "userErrors { field message code } } }")

CHECKOUT = """mutation Checkout($cartId: ID!, $key: String!, $payment: PaymentInput!) {
  checkoutComplete(cartId: $cartId, idempotencyKey: $key, payment: $payment) {
    order { id number email status total { amount currencyCode }
            lines { title variantTitle sku quantity totalPrice { amount } } }
    orderAccessToken
    userErrors { field message code }
  }
}"""

VARIANT_STOCK = ("query Stock($ids: [ID!]!) { nodes(ids: $ids) { "
                 "... on ProductVariant { id quantityAvailable } } }")

ADDRESS_INPUT = {
    "firstName": "Jeanne", "lastName": "Martin", "address1": "12 rue des Lilas",
    "city": "Lyon", "postalCode": "69003", "countryCode": "FR",
}


def body(query, variables=None):
    return json.dumps({"query": query, "variables": variables or {}},
                      separators=(",", ":"))


# --------------------------------------------------------------------------
# prepare: catalog facts, request bodies, warm-up checks


def collect_catalog(client):
    """Handles and sellable variants from the first and last pages by title."""
    handles, variants = [], []
    q = ("query ($reverse: Boolean) { products(first: 100, reverse: $reverse) { nodes { handle "
         "variants(first: 10) { nodes { id availableForSale quantityAvailable } } } } }")
    for reverse in (False, True):
        data = check(*client.gql(q, {"reverse": reverse}), "catalog listing")
        for p in data["products"]["nodes"]:
            if p["handle"] not in handles:
                handles.append(p["handle"])
            for v in p["variants"]["nodes"]:
                qty = v["quantityAvailable"]
                # Untracked (null) is unlimited; tracked ones only with a
                # large stock, so that the benchmark never runs out.
                if v["availableForSale"] and (qty is None or qty >= 10000):
                    if v["id"] not in [x["id"] for x in variants]:
                        variants.append({"id": v["id"], "tracked": qty is not None})
    return handles, variants


def write_lines(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")


def prepare(port, outdir, search_word, carts_wanted):
    client = Client(port)
    handles, variants = collect_catalog(client)
    if not handles:
        fail("the catalog is empty")
    if not variants:
        fail("no variant is in stock (untracked, or tracked with >= 10000 units)")
    rng = random.Random(7)
    print(f"  catalog sample: {len(handles)} handles, {len(variants)} in-stock variants "
          f"({sum(v['tracked'] for v in variants)} tracked)")

    scenarios = []

    # (a) listing
    write_lines(f"{outdir}/list.bodies", [body(LIST)])
    scenarios.append(("list", "query"))

    # (b) search
    write_lines(f"{outdir}/search.bodies", [body(SEARCH, {"q": search_word})])
    scenarios.append(("search", "query"))

    # (c) product by handle, cycling through the sampled handles
    hs = handles[:]
    rng.shuffle(hs)
    write_lines(f"{outdir}/product.bodies", [body(BY_HANDLE, {"handle": h}) for h in hs])
    scenarios.append(("product", "query"))

    # (d) cartCreate with one line, cycling through in-stock variants
    write_lines(f"{outdir}/cartCreate.bodies", [
        body(CART_CREATE, {"input": {"lines": [{"variantId": v["id"], "quantity": 1}],
                                     "email": "bench@example.com"}})
        for v in variants])
    scenarios.append(("cartCreate", "mutation"))

    # (e) cartLinesAdd on carts created now. Each (cart, variant) pair takes
    # at most 99 units (the per-line limit), so bodies cycle over
    # carts x 5 variants: 495 adds per cart before refusals would start (the
    # table counts refusals as user errors).
    k = min(5, len(variants))
    add_variants = variants[:k]
    cart_ids = []
    t0 = time.time()
    for i in range(carts_wanted):
        payload = check(*client.gql(CART_CREATE, {"input": {"email": "bench@example.com"}}),
                        "cartCreate (setup)", "cartCreate")
        cart_ids.append(payload["cart"]["id"])
    print(f"  created {len(cart_ids)} carts for cartLinesAdd in {time.time() - t0:.1f}s")
    lines = []
    for v in add_variants:
        for c in cart_ids:
            lines.append(body(LINES_ADD, {"cartId": c,
                                          "lines": [{"variantId": v["id"], "quantity": 1}]}))
    write_lines(f"{outdir}/cartLinesAdd.bodies", lines)
    scenarios.append(("cartLinesAdd", "mutation"))

    # Warm-up: the first body of each scenario must answer without errors.
    # (cartLinesAdd warm-up uses one unit of its first pair's capacity.)
    for name, kind in scenarios:
        with open(f"{outdir}/{name}.bodies", encoding="utf-8") as f:
            first = f.readline().strip()
        status, raw = client.post(first.encode())
        try:
            doc = json.loads(raw)
        except ValueError:
            fail(f"warm-up {name}: HTTP {status}, not JSON: {raw[:300]!r}")
        data = check(status, doc, f"warm-up {name}",
                     {"cartCreate": "cartCreate", "cartLinesAdd": "cartLinesAdd"}.get(name))
        if name in ("list", "search") and not doc["data"]["products"]["nodes"]:
            fail(f"warm-up {name}: no products returned (search word {search_word!r}?)")
        if name == "product" and doc["data"]["product"] is None:
            fail("warm-up product: product(handle:) returned null")
        detail = ""
        if name in ("list", "search"):
            detail = f"{len(doc['data']['products']['nodes'])} products"
        print(f"  warm-up {name:<13} OK  HTTP {status}, {len(raw)} bytes {detail}")

    with open(f"{outdir}/variants.json", "w") as f:
        json.dump(variants, f)
    with open(f"{outdir}/scenarios.txt", "w") as f:
        for name, kind in scenarios:
            f.write(f"{name} {kind}\n")


# --------------------------------------------------------------------------
# single: one client, one request at a time: the latency of an idle server


def single(port, outdir, name, max_seconds):
    client = Client(port)
    with open(f"{outdir}/{name}.bodies", encoding="utf-8") as f:
        bodies = [line.strip().encode() for line in f if line.strip()]
    times, bad = [], 0
    started = time.time()
    i = 0
    while i < 200 and (i < 5 or time.time() - started < max_seconds):
        b = bodies[i % len(bodies)]
        t0 = time.perf_counter()
        status, raw = client.post(b)
        times.append((time.perf_counter() - t0) * 1000)
        if status != 200 or b'"errors":' in raw:
            bad += 1
        i += 1
    with open(f"{outdir}/{name}.single", "w") as f:
        json.dump({"times": times, "bad": bad}, f)
    print(f"  1 client, sequential: {len(times)} requests, p50 {pct(times, 50):.2f} ms"
          + (f", {bad} bad answers" if bad else ""))


# --------------------------------------------------------------------------
# purchases: N sequential guest purchases, each timed end to end


def pct(values, p):
    """Nearest-rank percentile."""
    s = sorted(values)
    if not s:
        return float("nan")
    rank = max(1, -(-len(s) * p // 100))
    return s[int(rank) - 1]


def purchases(port, outdir, count, max_seconds):
    client = Client(port)
    with open(f"{outdir}/variants.json") as f:
        variants = json.load(f)
    tracked = [v["id"] for v in variants if v["tracked"]]
    before = {}
    if tracked:
        data = check(*client.gql(VARIANT_STOCK, {"ids": tracked}), "stock before")
        before = {n["id"]: n["quantityAvailable"] for n in data["nodes"] if n}

    totals, checkouts, bought = [], [], {}
    failures = []
    started = time.time()
    for i in range(count):
        if time.time() - started > max_seconds:
            break
        v = variants[i % len(variants)]
        qty = 1 + i % 2
        t0 = time.perf_counter()
        try:
            p = check(*client.gql(CART_CREATE, {"input": {
                "lines": [{"variantId": v["id"], "quantity": qty}]}}),
                "cartCreate", "cartCreate")
            cart_id = p["cart"]["id"]
            check(*client.gql(BUYER, {"cartId": cart_id, "buyerIdentity": {
                "email": f"guest{i}@example.com"}}), "cartBuyerIdentityUpdate",
                "cartBuyerIdentityUpdate")
            check(*client.gql(ADDRESS, {"cartId": cart_id, "address": {"address": ADDRESS_INPUT}}),
                  "cartShippingAddressUpdate", "cartShippingAddressUpdate")
            p = check(*client.gql(SHIPPING, {"cartId": cart_id, "handle": "standard"}),
                      "cartShippingMethodUpdate", "cartShippingMethodUpdate")
            if not p["cart"]["checkoutReady"]:
                raise SystemExit(f"cart not ready: {p['cart']['checkoutBlockers']}")
            t1 = time.perf_counter()
            p = check(*client.gql(CHECKOUT, {"cartId": cart_id, "key": str(uuid.uuid4()),
                                             "payment": {"method": "TEST_CARD",
                                                         "token": "tok_visa"}}),
                      "checkoutComplete", "checkoutComplete")
            t2 = time.perf_counter()
            if not p.get("order") or not p.get("orderAccessToken"):
                raise SystemExit(f"no order or access token: {p}")
        except SystemExit as e:
            failures.append(f"purchase {i}: {e}")
            if len(failures) >= 5:
                break
            continue
        totals.append((t2 - t0) * 1000)
        checkouts.append((t2 - t1) * 1000)
        bought[v["id"]] = bought.get(v["id"], 0) + qty
    elapsed = time.time() - started

    stock_note = "no tracked variant bought"
    if before:
        data = check(*client.gql(VARIANT_STOCK, {"ids": tracked}), "stock after")
        after = {n["id"]: n["quantityAvailable"] for n in data["nodes"] if n}
        wrong = [vid for vid in before
                 if before[vid] - after.get(vid, -1) != bought.get(vid, 0)]
        units = sum(bought.get(vid, 0) for vid in before)
        stock_note = (f"stock check: {units} tracked units bought, "
                      + ("stock decremented exactly" if not wrong
                         else f"MISMATCH on {len(wrong)} variant(s): "
                              + ", ".join(f"{w} {before[w]}->{after.get(w)} bought {bought.get(w, 0)}"
                                          for w in wrong)))
    result = {"done": len(totals), "failures": failures, "elapsed": elapsed,
              "total": totals, "checkout": checkouts, "stock": stock_note}
    with open(f"{outdir}/purchases.json", "w") as f:
        json.dump(result, f)
    for line in failures:
        print(f"  FAILED {line}", file=sys.stderr)
    print(f"  {len(totals)} purchases in {elapsed:.1f}s; {stock_note}")


# --------------------------------------------------------------------------
# report: the final table


def report(outdir, header_file):
    rows = []
    with open(f"{outdir}/scenarios.txt") as f:
        names = [line.split()[0] for line in f if line.strip()]
    labels = {
        "list": "products(first:20) listing",
        "search": "products(first:20, query)",
        "product": "product(handle:)",
        "cartCreate": "cartCreate (1 line)",
        "cartLinesAdd": "cartLinesAdd (1 line)",
    }
    for name in names:
        path = f"{outdir}/{name}.result"
        if not os.path.exists(path):
            rows.append((labels[name], None))
            continue
        with open(path) as f:
            fields = dict(kv.split("=", 1) for kv in f.read().split())
        single_path = f"{outdir}/{name}.single"
        if os.path.exists(single_path):
            with open(single_path) as f:
                fields["single"] = pct(json.load(f)["times"], 50)
        rows.append((labels[name], fields))

    with open(header_file) as f:
        print(f.read().rstrip())
    print()
    head = (f"{'scenario':<30} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'max ms':>8} {'non-2xx':>8} {'gql err':>8} {'user err':>8} {'sock err':>8} "
            f"{'1-client p50':>12}")
    print(head)
    print("-" * len(head))
    for label, r in rows:
        if r is None:
            print(f"{label:<30} (no result: wrk failed)")
            continue
        sock = int(r["connect"]) + int(r["read"]) + int(r["write"]) + int(r["timeout"])
        print(f"{label:<30} {int(r['requests']):>9} {float(r['rps']):>9.1f} "
              f"{int(r['p50']) / 1000:>8.2f} {int(r['p99']) / 1000:>8.2f} "
              f"{int(r['max']) / 1000:>8.2f} {int(r['status']):>8} {int(r['gqlerr']):>8} "
              f"{r['usererr']:>8} {sock:>8} "
              + (f"{r['single']:>9.2f} ms" if "single" in r else f"{'-':>12}"))
    pp = f"{outdir}/purchases.json"
    if os.path.exists(pp):
        with open(pp) as f:
            p = json.load(f)
        n = p["done"]
        if n:
            rate = n / p["elapsed"] if p["elapsed"] else 0
            print()
            print(f"guest purchase, sequential, 1 client ({n} purchases; create cart, email, "
                  f"address, shipping method, checkoutComplete = 5 requests):")
            for label, values in (("whole purchase", p["total"]),
                                  ("checkoutComplete alone", p["checkout"])):
                print(f"  {label:<24} mean {statistics.mean(values):7.2f} ms   "
                      f"p50 {pct(values, 50):7.2f} ms   p99 {pct(values, 99):7.2f} ms   "
                      f"max {max(values):7.2f} ms")
            print(f"  {rate:.1f} purchases/s; {len(p['failures'])} failed; {p['stock']}")
        else:
            print(f"\nguest purchase: none completed; failures: {p['failures']}")


def main():
    cmd = sys.argv[1]
    if cmd == "gen-csv":
        gen_csv(sys.argv[2], int(sys.argv[3]))
    elif cmd == "prepare":
        prepare(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    elif cmd == "single":
        single(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))
    elif cmd == "purchases":
        purchases(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    elif cmd == "report":
        report(sys.argv[2], sys.argv[3])
    else:
        fail(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
