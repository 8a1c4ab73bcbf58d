//! The in-memory reference store passes the whole store conformance kit.

keycard_test_kit::store_conformance_tests!(async { keycard_core::MemoryStore::new() });
