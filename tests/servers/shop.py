"""The FastAPI reference service: honest endpoints, and endpoints whose real responses drift
from the contract FastAPI publishes for them.

Drifting endpoints return `JSONResponse`/`Response` directly, which bypasses FastAPI's own
response validation: the spec (FastAPI's own 3.1 output) says one thing, the wire another.
`/v3/...` and `/v2/...` serve the same idea under hand-written OpenAPI 3.0 and Swagger 2.0
specs (legacy/openapi30.yaml, legacy/swagger20.yaml), kept out of FastAPI's own spec.
"""
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Literal, Union
from uuid import UUID

from fastapi import Cookie, Depends, FastAPI, File, Form, Header, HTTPException, Query, Response, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.security import (
    APIKeyHeader,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
    HTTPAuthorizationCredentials,
    OAuth2PasswordBearer,
    OAuth2PasswordRequestForm,
)
from pydantic import BaseModel, ConfigDict, Field

app = FastAPI(title="Vouch reference shop", version="1.0.0")

CREATED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
SKU = UUID("6f1c2d7e-8a9b-4c3d-9e8f-0a1b2c3d4e5f")


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: int
    name: str
    price: float = Field(gt=0)
    description: str | None = None
    tags: list[str] = []
    created_at: datetime
    sku: UUID


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    price: float = Field(gt=0)
    description: str | None = None
    tags: list[str] = []


class Card(BaseModel):
    kind: Literal["card"]
    last4: str = Field(pattern=r"^[0-9]{4}$")


class BankTransfer(BaseModel):
    kind: Literal["bank"]
    iban: str


class Payment(BaseModel):
    id: UUID
    amount: float
    contact: Annotated[str, Field(json_schema_extra={"format": "email"})]
    method: Annotated[Union[Card, BankTransfer], Field(discriminator="kind")]


class User(BaseModel):
    username: str
    scheme: str


RATE_HEADERS = {
    200: {
        "description": "Successful Response",
        "headers": {
            "X-Rate-Limit": {
                "required": True,
                "description": "Calls left this hour",
                "schema": {"type": "integer", "minimum": 0},
            }
        },
    }
}


def item(i: int, **changes) -> dict:
    d = {
        "id": i,
        "name": f"item {i}",
        "price": 9.99,
        "description": None if i == 1 else f"the item number {i}",
        "tags": ["a", "b"],
        "created_at": CREATED.isoformat(),
        "sku": str(SKU),
    }
    d.update(changes)
    return d


# ---- honest endpoints -------------------------------------------------------------------


@app.get("/items", response_model=list[Item])
def list_items() -> list[dict]:
    return [item(1), item(2), item(3)]


@app.get("/items/{item_id}", response_model=Item)
def read_item(item_id: int) -> dict:
    if item_id > 100:
        raise HTTPException(status_code=404, detail="no such item")
    return item(item_id)


@app.post("/items", response_model=Item, status_code=201)
def create_item(body: ItemIn) -> dict:
    return item(7, **body.model_dump())


@app.delete("/items/{item_id}", status_code=204)
def delete_item(item_id: int) -> Response:
    return Response(status_code=204)


@app.get("/search", response_model=list[Item])
def search(
    q: str,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    tags: Annotated[list[str] | None, Query()] = None,
) -> list[dict]:
    return [item(i) for i in range(1, min(limit, 3) + 1)]


@app.get("/payments/{payment_id}", response_model=Payment)
def read_payment(payment_id: int) -> dict:
    method = {"kind": "card", "last4": "4242"} if payment_id == 1 else {"kind": "bank", "iban": "DE02100100109307118603"}
    return {"id": str(SKU), "amount": 12.5, "contact": "qa@example.com", "method": method}


@app.get("/rate", responses=RATE_HEADERS)
def rate(response: Response) -> dict:
    response.headers["X-Rate-Limit"] = "42"
    return {"ok": True}


@app.get("/echo-header")
def echo_header(x_request_id: Annotated[str, Header()]) -> dict:
    return {"x_request_id": x_request_id}


class Upload(BaseModel):
    title: str
    filename: str
    size: int


@app.post("/upload", response_model=Upload)
async def upload(title: Annotated[str, Form()], file: Annotated[UploadFile, File()]) -> dict:
    data = await file.read()
    return {"title": title, "filename": file.filename or "", "size": len(data)}


# ---- auth -----------------------------------------------------------------------------

oauth2 = OAuth2PasswordBearer(tokenUrl="token")
bearer = HTTPBearer()
basic = HTTPBasic()
api_key = APIKeyHeader(name="X-API-Key")
TOKENS_ISSUED = {"count": 0}


@app.post("/token")
def token(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict:
    if form.username != "alice" or form.password != "wonderland":
        raise HTTPException(status_code=400, detail="bad credentials")
    TOKENS_ISSUED["count"] += 1
    return {"access_token": f"token-for-alice-{TOKENS_ISSUED['count']}", "token_type": "bearer", "expires_in": 3600}


@app.get("/tokens-issued")
def tokens_issued() -> dict:
    return TOKENS_ISSUED


@app.get("/me/oauth", response_model=User)
def me_oauth(tok: Annotated[str, Depends(oauth2)]) -> dict:
    if not tok.startswith("token-for-alice-"):
        raise HTTPException(status_code=401, detail="bad token")
    return {"username": "alice", "scheme": "oauth2"}


@app.get("/me/bearer", response_model=User)
def me_bearer(c: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]) -> dict:
    if c.credentials != "s3cr3t-bearer":
        raise HTTPException(status_code=401, detail="bad token")
    return {"username": "bearer-user", "scheme": "bearer"}


@app.get("/me/basic", response_model=User)
def me_basic(c: Annotated[HTTPBasicCredentials, Depends(basic)]) -> dict:
    if (c.username, c.password) != ("bob", "builder"):
        raise HTTPException(status_code=401, detail="bad credentials")
    return {"username": c.username, "scheme": "basic"}


@app.get("/me/key", response_model=User)
def me_key(key: Annotated[str, Depends(api_key)]) -> dict:
    if key != "k-123456":
        raise HTTPException(status_code=401, detail="bad key")
    return {"username": "key-user", "scheme": "apiKey"}


# ---- drifting endpoints: the wire disagrees with the published contract -----------------


@app.get("/drift/status", response_model=Item)
def drift_status():
    return JSONResponse(item(1), status_code=418)


@app.get("/drift/content-type", response_model=Item)
def drift_content_type():
    return PlainTextResponse("item 1")


@app.get("/drift/header-missing", responses=RATE_HEADERS)
def drift_header_missing() -> dict:
    return {"ok": True}


@app.get("/drift/header-type", responses=RATE_HEADERS)
def drift_header_type(response: Response) -> dict:
    response.headers["X-Rate-Limit"] = "lots"
    return {"ok": True}


@app.get("/drift/price-string", response_model=Item)
def drift_price_string():
    return JSONResponse(item(1, price="9.99"))


@app.get("/drift/missing-field", response_model=Item)
def drift_missing_field():
    d = item(1)
    del d["name"]
    return JSONResponse(d)


@app.get("/drift/extra-field", response_model=Item)
def drift_extra_field():
    return JSONResponse(item(1, internal_cost=3.5))


@app.get("/drift/null", response_model=Item)
def drift_null():
    return JSONResponse(item(1, name=None))


@app.get("/drift/formats", response_model=Item)
def drift_formats():
    return JSONResponse(item(1, created_at="yesterday", sku="not-a-uuid"))


@app.get("/drift/union", response_model=Payment)
def drift_union():
    return JSONResponse({"id": str(SKU), "amount": 12.5, "contact": "qa@example.com", "method": {"kind": "card", "last4": 4242}})


@app.get("/drift/discriminator", response_model=Payment)
def drift_discriminator():
    return JSONResponse({"id": str(SKU), "amount": 12.5, "contact": "qa@example.com", "method": {"kind": "cash"}})


@app.get("/drift/email", response_model=Payment)
def drift_email():
    return JSONResponse({"id": str(SKU), "amount": 12.5, "contact": "not an email", "method": {"kind": "bank", "iban": "X"}})


@app.get("/drift/array-item", response_model=list[Item])
def drift_array_item():
    return JSONResponse([item(1), item(2), item(3, price=-1)])


@app.get("/drift/not-json", response_model=Item)
def drift_not_json():
    return Response('{"id": 1, "name": ', media_type="application/json")


@app.delete("/drift/no-content/{item_id}", status_code=202, response_class=Response)
def drift_no_content(item_id: int):
    # Declared: 202 without a body. Sent: a JSON body.
    return JSONResponse({"deleted": True}, status_code=202)


@app.get("/catalog", include_in_schema=False)
def catalog(mb: Annotated[float, Query(gt=0, le=200)] = 10) -> Response:
    """About `mb` MB of items as one minified JSON array (the window's large bodies)."""
    import json

    first = json.dumps(item(1), separators=(",", ":")).encode()
    n = max(1, int(mb * 1024 * 1024) // (len(first) + 1))
    parts = [json.dumps(item(i), separators=(",", ":")).encode() for i in range(1, n + 1)]
    return Response(b"[" + b",".join(parts) + b"]", media_type="application/json")


@app.get("/slow", response_model=Item)
def slow():
    import time

    time.sleep(5)
    return item(1)


# ---- a session cookie, and a crash that closes the connection ----------------------------


class Session(BaseModel):
    session: str


SESSIONS = {"count": 0}


@app.post("/session", response_model=Session)
def open_session(response: Response) -> dict:
    SESSIONS["count"] += 1
    value = f"sess-{SESSIONS['count']}"
    response.set_cookie("session", value, httponly=True)
    return {"session": value}


@app.get("/crash", response_model=Item)
def crash():
    # Unhandled: Starlette answers 500 (undeclared) and uvicorn then closes the kept-alive
    # connection, as the FastAPI template's backend does after an unhandled error.
    raise RuntimeError("deliberate crash")


@app.get("/session/current", response_model=Session, responses={401: {"description": "No session"}})
def read_session(session: Annotated[str | None, Cookie()] = None) -> dict:
    if not session:
        raise HTTPException(status_code=401, detail="no session cookie")
    return {"session": session}


# ---- OpenAPI 3.0 and Swagger 2.0 services (hand-written specs) ---------------------------

LEGACY = Path(__file__).parent / "legacy"


@app.get("/v3/openapi.yaml", include_in_schema=False)
def spec30() -> Response:
    return Response((LEGACY / "openapi30.yaml").read_bytes(), media_type="application/yaml")


@app.get("/v2/swagger.json", include_in_schema=False)
def spec20() -> Response:
    return Response((LEGACY / "swagger20.json").read_bytes(), media_type="application/json")


def pet(i: int, **changes) -> dict:
    d = {"id": i, "name": f"pet {i}", "tag": None, "weight": 4.5, "age": 3}
    d.update(changes)
    return d


@app.get("/v3/pets/{pet_id}", include_in_schema=False)
def v3_pet(pet_id: int):
    if pet_id == 1:
        return JSONResponse(pet(1))
    if pet_id == 2:
        return JSONResponse(pet(2, weight=0, age=3_000_000_000))
    if pet_id == 3:
        return JSONResponse(pet(3, tag=7))
    return JSONResponse({"code": 404, "message": "no such pet"}, status_code=404)


@app.post("/v3/pets", include_in_schema=False)
async def v3_create_pet():
    return JSONResponse(pet(9), status_code=201)


@app.get("/v3/users/{name}", include_in_schema=False)
def v3_user(name: str):
    if name == "leaky":
        return JSONResponse({"username": name, "password": 1234})
    return JSONResponse({"username": name})


@app.get("/v3/shapes/{shape_id}", include_in_schema=False)
def v3_shape(shape_id: int):
    if shape_id == 1:
        return JSONResponse({"shapeType": "circle", "radius": 2.5})
    if shape_id == 2:
        return JSONResponse({"shapeType": "square", "side": 3})
    return JSONResponse({"shapeType": "circle", "radius": "big"})


@app.get("/v3/things", include_in_schema=False)
def v3_things(fail: bool = False):
    if fail:
        return JSONResponse({"message": "boom"}, status_code=500)
    return JSONResponse({"count": 2}, status_code=201)


def order(i: int, **changes) -> dict:
    d = {"id": i, "status": "placed", "note": None, "total": 20.0}
    d.update(changes)
    return d


@app.get("/v2/orders", include_in_schema=False)
def v2_orders(broken: bool = False):
    if broken:
        return JSONResponse([order(1), order(2, total="20.00")])
    return JSONResponse([order(1), order(2, note="leave at the door")])


@app.get("/v2/orders/{order_id}", include_in_schema=False)
def v2_order(order_id: int):
    if order_id == 1:
        return JSONResponse(order(1))
    return JSONResponse(order(order_id, status="lost", id=str(order_id)))


# ---- what uvicorn serves -----------------------------------------------------------------


class CloseAfterCrash:
    """`GET /crash` as a real server fails after an unhandled error: a complete 500 goes out
    on the kept-alive connection (no `Connection: close`), then the server closes that
    connection a moment later (as when it logs the traceback first). A client that sent its
    next request on the connection in between sees it closed before any answer."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] != "/crash":
            return await self.inner(scope, receive, send)
        import asyncio

        body = b"Internal Server Error"
        await send({"type": "http.response.start", "status": 500,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        # The whole body, but the response is not over for the server: the error comes first.
        await send({"type": "http.response.body", "body": body, "more_body": True})
        await asyncio.sleep(0.3)
        raise RuntimeError("deliberate crash after the response went out")


fastapi_app = app
app = CloseAfterCrash(fastapi_app)
