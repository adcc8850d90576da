create table orders (
    id bigserial primary key,
    customer text not null,
    amount numeric(12, 2) not null
);
