//! What the benchmarks share.

use std::path::{Path, PathBuf};

/// The psql beside the server binaries epic uses, else the one on PATH.
pub fn psql_binary() -> PathBuf {
    let binaries = epic::db::local::PgBinaries::find(
        std::env::var_os("EPIC_PG_BIN").as_deref().map(Path::new),
    )
    .expect("PostgreSQL binaries");
    let beside_server = binaries.tool("psql");
    if beside_server.is_file() {
        beside_server
    } else {
        PathBuf::from("psql")
    }
}
