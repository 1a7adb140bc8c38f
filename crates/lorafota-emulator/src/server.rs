//! Connections: TCP accept, optional TLS, HTTP/1.1, and the hooks that routing cannot do.
//!
//! Serving hyper directly (rather than `axum::serve`) lets the emulator
//! - tell handlers the peer address (login result, lockout per IP),
//! - apply the `?method=`/`?data=` override before routing (§8.1),
//! - inject faults, including closing a connection without an answer — hyper closes the
//!   connection when the service returns an error, which is how a "lost answer" looks to a
//!   client.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, Response, StatusCode, header};
use axum::response::IntoResponse as _;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt as _;

use crate::http::{ApiError, DropConnection, Peer};
use crate::state::{App, Fault};

/// The error that makes hyper close a connection without answering.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Dropped {}

/// Accepts until `shutdown` flips; each connection also stops on shutdown.
pub(crate) async fn accept_loop(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: Arc<App>,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            _ = shutdown.changed() => break,
            r = listener.accept() => r,
        };
        let Ok((tcp, peer)) = accepted else {
            // Out of file descriptors and the like: back off instead of spinning.
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            continue;
        };
        let (tls, app, router, mut stop) =
            (tls.clone(), app.clone(), router.clone(), shutdown.clone());
        tokio::spawn(async move {
            let conn = async move {
                match tls {
                    Some(acceptor) => match acceptor.accept(tcp).await {
                        Ok(stream) => serve_connection(stream, peer, app, router).await,
                        Err(e) => {
                            tracing::debug!("emulator: TLS handshake with {peer} failed: {e}")
                        }
                    },
                    None => serve_connection(tcp, peer, app, router).await,
                }
            };
            tokio::select! {
                () = conn => {}
                _ = stop.changed() => {}
            }
        });
    }
}

async fn serve_connection<IO>(io: IO, peer: SocketAddr, app: Arc<App>, router: Router)
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
        handle(req, peer, app.clone(), router.clone())
    });
    if let Err(e) = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(io), svc)
        .await
    {
        tracing::debug!("emulator: connection from {peer} ended: {e}");
    }
}

/// `GET …?method=POST&data={…}` → a POST with that JSON body (browser compatibility, §8.1).
fn method_override(req: &mut Request<Body>) {
    if req.method() != Method::GET {
        return;
    }
    let Some(query) = req.uri().query() else {
        return;
    };
    let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    if let Some(m) =
        get("method").and_then(|m| Method::from_bytes(m.to_ascii_uppercase().as_bytes()).ok())
    {
        *req.method_mut() = m;
    }
    if let Some(data) = get("data") {
        req.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        req.headers_mut().remove(header::CONTENT_LENGTH);
        *req.body_mut() = Body::from(data);
    }
}

async fn handle(
    req: Request<Incoming>,
    peer: SocketAddr,
    app: Arc<App>,
    router: Router,
) -> Result<Response<Body>, Dropped> {
    let mut req = req.map(Body::new);
    req.extensions_mut().insert(Peer(peer));
    method_override(&mut req);
    let fault = if req.uri().path().starts_with("/__emulator") {
        None
    } else {
        let (method, path) = (
            req.method().as_str().to_owned(),
            req.uri().path().to_owned(),
        );
        app.with(|inner, _| inner.take_fault(&method, &path))
    };
    match fault {
        Some(Fault::HttpError { status }) => {
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let text = code.canonical_reason().unwrap_or("Injected fault");
            return Ok(ApiError::new(code, text).into_response());
        }
        Some(Fault::DropConnection) => return Err(Dropped),
        Some(Fault::LoseAnswer) => {
            let _handled = router.oneshot(req).await;
            return Err(Dropped);
        }
        None => {}
    }
    let resp = match router.oneshot(req).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    if resp.extensions().get::<DropConnection>().is_some() {
        return Err(Dropped);
    }
    Ok(resp)
}
