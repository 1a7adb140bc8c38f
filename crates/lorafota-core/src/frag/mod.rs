//! TS004 fragmentation and forward error correction.
