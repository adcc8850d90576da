alter table orders add column state text not null default 'open';
create index orders_customer on orders (customer);
