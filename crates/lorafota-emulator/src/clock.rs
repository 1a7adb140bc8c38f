//! The virtual clock that drives job lifecycles.
//!
//! Real time by default; tests speed it up ([`VirtualClock::set_speed`]) or step it
//! ([`VirtualClock::advance`]) so a job that would take minutes on a gateway finishes at once.
//! Session inactivity and login lockout deliberately use real (monotonic) time instead: a clock
//! sped up to finish a job quickly must not also log every client out.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy)]
struct Anchor {
    real: Instant,
    virtual_ms: i64,
    speed: f64,
}

/// Virtual Unix time in milliseconds.
#[derive(Debug)]
pub struct VirtualClock {
    anchor: Mutex<Anchor>,
}

fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl VirtualClock {
    /// A clock starting at `start_unix_ms` (or the wall clock) and running at `speed` times
    /// real time.
    pub fn new(start_unix_ms: Option<i64>, speed: f64) -> Self {
        let speed = if speed.is_finite() && speed >= 0.0 {
            speed
        } else {
            1.0
        };
        Self {
            anchor: Mutex::new(Anchor {
                real: Instant::now(),
                virtual_ms: start_unix_ms.unwrap_or_else(wall_ms),
                speed,
            }),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Anchor) -> R) -> R {
        // A poisoned lock only means another thread panicked mid-update of three plain
        // numbers; the values are still usable.
        let mut a = self
            .anchor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut a)
    }

    fn now_of(a: &Anchor) -> i64 {
        let elapsed = a.real.elapsed().as_secs_f64() * 1000.0 * a.speed;
        a.virtual_ms.saturating_add(elapsed as i64)
    }

    /// Re-anchors at the current instant so later changes apply from now on.
    fn reanchor(a: &mut Anchor) {
        a.virtual_ms = Self::now_of(a);
        a.real = Instant::now();
    }

    /// Current virtual Unix time, milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.with(|a| Self::now_of(a))
    }

    /// Current virtual Unix time, whole seconds.
    pub fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Steps the clock forward.
    pub fn advance(&self, d: Duration) {
        self.with(|a| {
            Self::reanchor(a);
            a.virtual_ms = a
                .virtual_ms
                .saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        });
    }

    /// Jumps to a virtual Unix time (ms), forward or back.
    pub fn set_ms(&self, unix_ms: i64) {
        self.with(|a| {
            a.real = Instant::now();
            a.virtual_ms = unix_ms;
        });
    }

    /// Changes the rate (1.0 = real time, 0.0 = frozen; negative or non-finite values are ignored).
    pub fn set_speed(&self, speed: f64) {
        if speed.is_finite() && speed >= 0.0 {
            self.with(|a| {
                Self::reanchor(a);
                a.speed = speed;
            });
        }
    }

    /// Current rate.
    pub fn speed(&self) -> f64 {
        self.with(|a| a.speed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frozen_clock_steps() {
        let c = VirtualClock::new(Some(1_000_000), 0.0);
        assert_eq!(c.now_ms(), 1_000_000);
        c.advance(Duration::from_secs(5));
        assert_eq!(c.now_ms(), 1_005_000);
        c.set_ms(42);
        assert_eq!(c.now_ms(), 42);
        c.set_speed(-1.0);
        assert_eq!(c.speed(), 0.0);
    }
}
