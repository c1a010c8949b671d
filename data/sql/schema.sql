-- schema: create the orders and cases tables (data-contract.md, "Tables") and the meta table.
-- Idempotent: run on every open so an older file gains what it lacks.
CREATE TABLE IF NOT EXISTS orders (
    order_id              VARCHAR PRIMARY KEY,
    placed_at             TIMESTAMPTZ NOT NULL,
    shipped_at            TIMESTAMPTZ,
    delivered_at          TIMESTAMPTZ,
    promised_delivery_at  TIMESTAMPTZ,
    order_amount          DECIMAL(12,2) NOT NULL DEFAULT 0 CHECK (order_amount >= 0),
    currency              VARCHAR,
    category              VARCHAR,
    country               VARCHAR,
    status                VARCHAR
);

CREATE TABLE IF NOT EXISTS cases (
    case_id                 VARCHAR PRIMARY KEY,
    order_id                VARCHAR NOT NULL,
    request                 VARCHAR NOT NULL,
    reason                  VARCHAR,
    requested_at            TIMESTAMPTZ NOT NULL,
    prior_contact           BOOLEAN NOT NULL DEFAULT TRUE,
    has_order_number        BOOLEAN NOT NULL DEFAULT TRUE,
    has_shipping_address    BOOLEAN NOT NULL DEFAULT TRUE,
    has_media               BOOLEAN NOT NULL DEFAULT TRUE,
    correct_use             BOOLEAN NOT NULL DEFAULT TRUE,
    replied_at              TIMESTAMPTZ,
    media_received_at       TIMESTAMPTZ,
    customer_shipped_at     TIMESTAMPTZ,
    return_received_at      TIMESTAMPTZ,
    replacement_shipped_at  TIMESTAMPTZ,
    refunded_at             TIMESTAMPTZ,
    freight_claimed_at      TIMESTAMPTZ,
    freight_reimbursed_at   TIMESTAMPTZ,
    status_updated_at       TIMESTAMPTZ,
    closed_at               TIMESTAMPTZ,
    refund_amount           DECIMAL(12,2),
    freight_amount          DECIMAL(12,2),
    agent                   VARCHAR
);

-- data_version changes on every write, so cached decisions know when they are stale.
CREATE TABLE IF NOT EXISTS meta (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR NOT NULL
);

-- Import maps saved by name on the Data page (data/saved_maps.py): the map's TOML text, as a file would hold it.
CREATE TABLE IF NOT EXISTS saved_maps (
    table_name VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,
    map_toml   VARCHAR NOT NULL,
    saved_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (table_name, name)
);
