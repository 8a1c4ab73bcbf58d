//! The whole end-to-end suite against `example-axum-sqlite`, driven through
//! `tower::ServiceExt::oneshot` on its router: no socket.

use example_common::Config;
use keycard_e2e::TowerApp;

async fn app(config: Config) -> TowerApp<axum::Router> {
    let router = example_axum_sqlite::app(&config).await;
    TowerApp::new(router.expect("the example builds from its configuration"))
}

keycard_e2e::http_suite!(app);
