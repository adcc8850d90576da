/**
 * tether-micrometer: a Micrometer {@code MeterBinder} for any tether pool or client. Optional;
 * Micrometer is its only dependency besides tether-pool.
 */
module dev.tether.micrometer {
    requires transitive dev.tether.pool;
    requires transitive micrometer.core;

    exports dev.tether.micrometer;
}
