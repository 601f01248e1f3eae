"""A product catalogue in two versions, for `vouch diff`, its impact on saved work and
`vouch sync`: v2 is what a real service's next release looks like.

    app_v1: products with `name`; GET /search?q; GET /products/{id}/reviews.
    app_v2: `name` renamed to `title` (in requests and responses); GET /search also needs
            `category`; the reviews endpoint removed; a new `draft` product status.

Each version keeps its own in-memory state (per process).
"""
from typing import Literal

from fastapi import FastAPI, HTTPException, status
from pydantic import BaseModel, Field


# --- v1 -------------------------------------------------------------------------------------

class ProductInV1(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    price: float = Field(ge=0)


class ProductV1(ProductInV1):
    id: int
    status: Literal["active", "retired"]


class Review(BaseModel):
    stars: int = Field(ge=1, le=5)
    text: str


app_v1 = FastAPI(title="Catalog", version="1.0.0")
_v1: dict[int, ProductV1] = {1: ProductV1(id=1, name="Lamp", price=20.0, status="active")}


@app_v1.get("/products", response_model=list[ProductV1], operation_id="list_products")
def list_products_v1() -> list[ProductV1]:
    return list(_v1.values())


@app_v1.post("/products", response_model=ProductV1, status_code=status.HTTP_201_CREATED,
             operation_id="create_product")
def create_product_v1(body: ProductInV1) -> ProductV1:
    p = ProductV1(id=max(_v1, default=0) + 1, status="active", **body.model_dump())
    _v1[p.id] = p
    return p


@app_v1.get("/products/{product_id}", response_model=ProductV1, operation_id="get_product",
            responses={404: {"description": "No such product"}})
def get_product_v1(product_id: int) -> ProductV1:
    if product_id not in _v1:
        raise HTTPException(404, "no such product")
    return _v1[product_id]


@app_v1.get("/products/{product_id}/reviews", response_model=list[Review],
            operation_id="list_reviews")
def list_reviews_v1(product_id: int) -> list[Review]:
    return [Review(stars=5, text="bright")]


@app_v1.get("/search", response_model=list[ProductV1], operation_id="search")
def search_v1(q: str, limit: int = 10) -> list[ProductV1]:
    return [p for p in _v1.values() if q.lower() in p.name.lower()][:limit]


# --- v2 -------------------------------------------------------------------------------------

class ProductInV2(BaseModel):
    title: str = Field(min_length=1, max_length=80)
    price: float = Field(ge=0)


class ProductV2(ProductInV2):
    id: int
    status: Literal["active", "retired", "draft"]


app_v2 = FastAPI(title="Catalog", version="2.0.0")
_v2: dict[int, ProductV2] = {1: ProductV2(id=1, title="Lamp", price=20.0, status="active")}


@app_v2.get("/products", response_model=list[ProductV2], operation_id="list_products")
def list_products_v2() -> list[ProductV2]:
    return list(_v2.values())


@app_v2.post("/products", response_model=ProductV2, status_code=status.HTTP_201_CREATED,
             operation_id="create_product")
def create_product_v2(body: ProductInV2) -> ProductV2:
    p = ProductV2(id=max(_v2, default=0) + 1, status="draft", **body.model_dump())
    _v2[p.id] = p
    return p


@app_v2.get("/products/{product_id}", response_model=ProductV2, operation_id="get_product",
            responses={404: {"description": "No such product"}})
def get_product_v2(product_id: int) -> ProductV2:
    if product_id not in _v2:
        raise HTTPException(404, "no such product")
    return _v2[product_id]


@app_v2.get("/search", response_model=list[ProductV2], operation_id="search")
def search_v2(q: str, category: str, limit: int = 10) -> list[ProductV2]:
    return [p for p in _v2.values() if q.lower() in p.title.lower()][:limit]
