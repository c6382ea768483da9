package dev.cartrescue.local;

/**
 * One record the demo writes to a topic: the key (the contact id, or null when a broken record has
 * none) and the JSON value as the producers of docs/contract.md §2 would write it.
 */
record KeyedRecord(String key, String value) {}
