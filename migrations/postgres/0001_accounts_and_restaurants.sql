-- Accounts, restaurants and menus. Times are UTC milliseconds; money is
-- integer cents; flags are 0/1 integers so the same SQL reads on both databases.
CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT   NOT NULL UNIQUE,
    name          TEXT   NOT NULL,
    password_hash TEXT   NOT NULL,
    role          TEXT   NOT NULL CHECK (role IN ('customer', 'restaurant', 'driver', 'admin')),
    suspended     BIGINT NOT NULL DEFAULT 0 CHECK (suspended IN (0, 1)),
    created_at    BIGINT NOT NULL
);

CREATE TABLE restaurants (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT             NOT NULL,
    cuisine    TEXT             NOT NULL,
    address    TEXT             NOT NULL,
    lat        DOUBLE PRECISION NOT NULL,
    lng        DOUBLE PRECISION NOT NULL,
    is_open    BIGINT           NOT NULL DEFAULT 1 CHECK (is_open IN (0, 1)),
    created_at BIGINT           NOT NULL
);

-- A staff member works for exactly one restaurant.
CREATE TABLE restaurant_staff (
    user_id       BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    restaurant_id BIGINT NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE
);
CREATE INDEX restaurant_staff_by_restaurant ON restaurant_staff (restaurant_id);

CREATE TABLE menu_items (
    id            BIGSERIAL PRIMARY KEY,
    restaurant_id BIGINT NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
    name          TEXT   NOT NULL,
    description   TEXT   NOT NULL DEFAULT '',
    price_cents   BIGINT NOT NULL CHECK (price_cents >= 0),
    available     BIGINT NOT NULL DEFAULT 1 CHECK (available IN (0, 1)),
    position      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX menu_items_by_restaurant ON menu_items (restaurant_id, position);
