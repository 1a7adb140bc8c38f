//! Loss models of the multicast channel as one device sees it.

use core::fmt;

use crate::rng::SplitMix64;

/// How a device loses fragments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LossModel {
    /// Each fragment is lost independently with probability `p`.
    Iid {
        /// Loss probability, `0.0..=1.0`.
        p: f64,
    },
    /// Gilbert-Elliott: a two-state Markov channel (good/bad) stepping once per fragment, with
    /// its own loss probability in each state. Bursty loss, as interference and fading give.
    GilbertElliott {
        /// P(good -> bad) per fragment.
        p_good_to_bad: f64,
        /// P(bad -> good) per fragment (1 / mean burst length).
        p_bad_to_good: f64,
        /// Loss probability in the good state.
        loss_good: f64,
        /// Loss probability in the bad state.
        loss_bad: f64,
    },
}

/// A loss model parameter outside its range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LossModelError {
    /// A probability outside `0.0..=1.0` (or NaN).
    NotAProbability(f64),
    /// A mean burst length below 1 fragment.
    BurstTooShort(f64),
    /// A mean loss that the burst model cannot reach (1.0 with finite bursts).
    Unreachable(f64),
}

impl fmt::Display for LossModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAProbability(p) => write!(f, "{p} is not a probability (0..=1)"),
            Self::BurstTooShort(b) => write!(f, "mean burst length {b} is below 1 fragment"),
            Self::Unreachable(p) => {
                write!(f, "a mean loss of {p} cannot be reached with finite bursts")
            }
        }
    }
}

impl core::error::Error for LossModelError {}

fn probability(p: f64) -> Result<f64, LossModelError> {
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(LossModelError::NotAProbability(p))
    }
}

impl LossModel {
    /// Loss averaging `mean_loss`: in bursts of `mean_burst` fragments on average when given
    /// ([`bursty`](Self::bursty)), else independent ([`iid`](Self::iid)).
    pub fn new(mean_loss: f64, mean_burst: Option<f64>) -> Result<Self, LossModelError> {
        match mean_burst {
            Some(b) => Self::bursty(mean_loss, b),
            None => Self::iid(mean_loss),
        }
    }

    /// Independent loss with probability `p`.
    pub fn iid(p: f64) -> Result<Self, LossModelError> {
        Ok(Self::Iid { p: probability(p)? })
    }

    /// Bursty loss with long-run mean `mean_loss` and mean burst length `mean_burst` fragments:
    /// the bad state loses everything, the good state nothing.
    pub fn bursty(mean_loss: f64, mean_burst: f64) -> Result<Self, LossModelError> {
        let mean_loss = probability(mean_loss)?;
        if mean_burst.is_nan() || mean_burst < 1.0 {
            return Err(LossModelError::BurstTooShort(mean_burst));
        }
        if mean_loss >= 1.0 {
            return Err(LossModelError::Unreachable(mean_loss));
        }
        let p_bad_to_good = 1.0 / mean_burst;
        // Stationary P(bad) = g / (g + b) = mean_loss  =>  g = b * mean / (1 - mean).
        let p_good_to_bad = probability(p_bad_to_good * mean_loss / (1.0 - mean_loss))
            .map_err(|_| LossModelError::Unreachable(mean_loss))?;
        Ok(Self::GilbertElliott {
            p_good_to_bad,
            p_bad_to_good,
            loss_good: 0.0,
            loss_bad: 1.0,
        })
    }

    /// Checks every parameter.
    pub fn validate(&self) -> Result<(), LossModelError> {
        match *self {
            Self::Iid { p } => probability(p).map(|_| ()),
            Self::GilbertElliott {
                p_good_to_bad,
                p_bad_to_good,
                loss_good,
                loss_bad,
            } => {
                for p in [p_good_to_bad, p_bad_to_good, loss_good, loss_bad] {
                    probability(p)?;
                }
                Ok(())
            }
        }
    }

    /// The long-run share of fragments lost.
    pub fn mean_loss(&self) -> f64 {
        match *self {
            Self::Iid { p } => p,
            Self::GilbertElliott {
                p_good_to_bad: g,
                p_bad_to_good: b,
                loss_good,
                loss_bad,
            } => {
                if g + b == 0.0 {
                    return loss_good;
                }
                let bad = g / (g + b);
                bad * loss_bad + (1.0 - bad) * loss_good
            }
        }
    }

    /// A channel following this model, its random state seeded.
    pub fn channel(&self, rng: SplitMix64) -> Channel {
        let bad = match *self {
            Self::Iid { .. } => false,
            // Start in the stationary distribution, so short sessions see the mean loss too.
            Self::GilbertElliott {
                p_good_to_bad: g,
                p_bad_to_good: b,
                ..
            } => {
                let mut rng = rng.clone();
                g + b > 0.0 && rng.chance(g / (g + b))
            }
        };
        Channel {
            model: *self,
            rng,
            bad,
        }
    }
}

/// One device's channel: says, fragment after fragment, whether it is lost.
#[derive(Debug, Clone)]
pub struct Channel {
    model: LossModel,
    rng: SplitMix64,
    bad: bool,
}

impl Channel {
    /// Whether the next fragment is lost.
    pub fn lose_next(&mut self) -> bool {
        match self.model {
            LossModel::Iid { p } => self.rng.chance(p),
            LossModel::GilbertElliott {
                p_good_to_bad,
                p_bad_to_good,
                loss_good,
                loss_bad,
            } => {
                let lost = self.rng.chance(if self.bad { loss_bad } else { loss_good });
                let switch = self.rng.chance(if self.bad {
                    p_bad_to_good
                } else {
                    p_good_to_bad
                });
                self.bad ^= switch;
                lost
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_model_reaches_its_mean() {
        let m = LossModel::bursty(0.1, 5.0).unwrap();
        assert!((m.mean_loss() - 0.1).abs() < 1e-12);
        let mut ch = m.channel(SplitMix64::new(3));
        let n = 200_000;
        let lost = (0..n).filter(|_| ch.lose_next()).count();
        assert!((lost as f64 / n as f64 - 0.1).abs() < 0.01);
        assert!(LossModel::bursty(1.0, 3.0).is_err());
        assert!(LossModel::bursty(0.1, 0.5).is_err());
        assert!(LossModel::iid(1.5).is_err());
        assert!(LossModel::iid(f64::NAN).is_err());
    }
}
