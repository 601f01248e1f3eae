"""A FastAPI service with the bugs only generated requests find: `vouch fuzz`'s target.

Every bug below is one seen in real services; none of them shows on the request a person
would write by hand (an ordinary title, the default page size, a resource read before it is
deleted), so a saved suite passes while the service is wrong. Each is named in a comment
starting `BUG:` with the check that must find it; tests/fuzz.rs asserts each is found,
shrunk, and reproduced by its saved request. The honest endpoints are there to show the
fuzzer reports nothing where nothing is wrong.

State is in memory and per process; `POST /__reset` empties it between test runs.
"""
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

app = FastAPI(title="Vouch library (planted bugs)", version="1.0.0")


class BookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=120)
    pages: int = Field(ge=1, le=5000)
    tags: list[str] = Field(default=[], max_length=5)


class Book(BaseModel):
    id: int
    title: str
    pages: int
    tags: list[str]


class Page(BaseModel):
    items: list[Book]
    total: int
    pages: int


class AuthorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)


class Author(BaseModel):
    id: int
    name: str


class Review(BaseModel):
    id: int
    book_id: int
    rating: int = Field(ge=1, le=5)
    text: str


class Quote(BaseModel):
    text: str
    score: float


class Detail(BaseModel):
    detail: str


NOT_FOUND = {404: {"model": Detail, "description": "Not found"}}


class Stats(BaseModel):
    books: int
    authors: int


BOOKS: dict[int, dict] = {}
DELETED: set[int] = set()
AUTHORS: dict[int, dict] = {}
COUNTER = {"next": 1}
bearer = HTTPBearer(auto_error=False)


def next_id() -> int:
    n = COUNTER["next"]
    COUNTER["next"] += 1
    return n


@app.post("/__reset", include_in_schema=False)
def reset() -> dict:
    BOOKS.clear()
    DELETED.clear()
    AUTHORS.clear()
    COUNTER["next"] = 1
    return {"ok": True}


# ---- honest endpoints -------------------------------------------------------------------


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/authors/{author_id}", response_model=Author, responses=NOT_FOUND)
def read_author(author_id: int) -> dict:
    if author_id not in AUTHORS:
        raise HTTPException(status_code=404, detail="no such author")
    return AUTHORS[author_id]


# ---- endpoints with bugs ----------------------------------------------------------------


@app.post("/books", response_model=Book, status_code=201)
def create_book(body: BookIn) -> dict:
    # BUG (server-error): a crash on non-ASCII text. The title is written to an ASCII-only
    # log line, so "Élan" or "本" raises UnicodeEncodeError: a 500.
    body.title.encode("ascii")
    book = {"id": next_id(), **body.model_dump()}
    BOOKS[book["id"]] = book
    return book


@app.get("/books", response_model=Page)
def list_books(
    limit: Annotated[int, Query(ge=0, le=100)] = 10,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict:
    items = [b for i, b in BOOKS.items() if i not in DELETED]
    # BUG (server-error): a 500 on an edge value. limit=0 is allowed by the contract
    # (ge=0) and divides by zero here.
    pages = -(-len(items) // limit)
    return {"items": items[offset : offset + limit], "total": len(items), "pages": pages}


@app.get("/books/{book_id}", response_model=Book, responses=NOT_FOUND)
def read_book(book_id: int) -> dict:
    # BUG (use-after-delete): DELETE only marks the book; reading it still works.
    if book_id not in BOOKS:
        raise HTTPException(status_code=404, detail="no such book")
    return BOOKS[book_id]


@app.delete("/books/{book_id}", status_code=204, responses=NOT_FOUND)
def delete_book(book_id: int) -> Response:
    if book_id not in BOOKS or book_id in DELETED:
        raise HTTPException(status_code=404, detail="no such book")
    DELETED.add(book_id)
    return Response(status_code=204)


@app.post(
    "/reviews",
    status_code=201,
    response_model=Review,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["book_id", "rating", "text"],
                        "properties": {
                            "book_id": {"type": "integer", "minimum": 1},
                            "rating": {"type": "integer", "minimum": 1, "maximum": 5},
                            "text": {"type": "string", "maxLength": 500},
                        },
                    }
                }
            },
        }
    },
)
async def create_review(request: Request) -> dict:
    # BUG (negative-data-rejected): the body is read by hand and never validated, so a
    # rating of 9, a missing text or a string book_id are stored with a 201.
    try:
        data = await request.json()
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    return {"id": next_id(), "book_id": 1, "rating": 5, "text": str(data.get("text", ""))[:500]}


@app.post("/authors", response_model=Author, status_code=201)
def create_author(body: AuthorIn) -> dict:
    # BUG (positive-data-accepted): the contract allows names up to 100 characters, the
    # database column holds 40: longer names get an undeclared 400.
    if len(body.name) > 40:
        return JSONResponse(status_code=400, content={"detail": "name too long"})
    author = {"id": next_id(), "name": body.name}
    AUTHORS[author["id"]] = author
    return author


@app.get("/quotes", response_model=list[Quote])
def quotes(q: Annotated[str, Query(max_length=50)] = ""):
    # BUG (response-conformance): an empty query has no score to rank by; the service
    # sends null where the contract promises a number (bypassing FastAPI's own check).
    if q == "":
        return JSONResponse([{"text": "To be or not to be", "score": None}])
    return [{"text": f"a quote about {q}", "score": 1.0}]


@app.get("/admin/stats", response_model=Stats)
def admin_stats(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> dict:
    # BUG (auth-enforced): the operation is secured (bearer) in the contract, but the
    # credentials are never checked: no token at all still gets the stats.
    return {"books": len(BOOKS), "authors": len(AUTHORS)}


@app.middleware("http")
async def ping_without_allow(request: Request, call_next):
    # BUG (allow-on-405): a hand-written method guard answers 405 without the Allow header
    # RFC 9110 requires (Starlette's own router would send it).
    if request.url.path == "/ping" and request.method not in ("GET", "HEAD"):
        return JSONResponse(status_code=405, content={"detail": "Method Not Allowed"})
    return await call_next(request)


@app.get("/ping")
def ping() -> dict[str, str]:
    return {"pong": "ok"}
