//! Netting of legs into series, (strike, expiry) nodes and expiries.

use isthmus_pricing::math::exp;
use isthmus_pricing::{Fixed, OptionKind};

use crate::book::UnderlyingBook;
use crate::error::{overflow, MarginError, MarginResult};
use crate::params::MarginParams;
use crate::scenario::shock_scale;

/// Legs of one series and contract size, netted.
pub(crate) struct Group {
    pub kind: OptionKind,
    pub node: usize,
    pub size: Fixed,
    pub quantity: i128,
}

/// A (strike, expiry) pair: priced once per scenario; the other kind follows by parity.
pub(crate) struct Node {
    pub strike: Fixed,
    pub expiry: usize,
    /// K · e^(−rT)
    pub kdf: Fixed,
    /// The node holds a non-zero net call / put series.
    pub has_call: bool,
    pub has_put: bool,
}

/// An expiry of the book with its implied vol.
pub(crate) struct Expiry {
    pub years: Fixed,
    pub vol: Fixed,
    /// Term scaling of the vol shocks.
    pub scale: Fixed,
}

/// Validates the legs and nets them into groups, nodes and expiries (linear scans: the engine
/// bounds the number of legs per account).
pub(crate) fn net(
    book: &UnderlyingBook,
    u: usize,
    params: &MarginParams,
) -> MarginResult<(Vec<Expiry>, Vec<Node>, Vec<Group>)> {
    let bad = |field, reason| Err(MarginError::InvalidInput { field, reason });
    if !book.spot.is_positive() {
        return bad("spot", "must be > 0");
    }
    let (mut expiries, mut nodes, mut groups) = (Vec::<Expiry>::new(), Vec::<Node>::new(), Vec::<Group>::new());
    for (i, leg) in book.legs.iter().enumerate() {
        if !leg.strike.is_positive() || !leg.contract_size.is_positive() || leg.expiry_years.is_negative() {
            return bad("leg", "strike and contract_size must be > 0, expiry_years >= 0");
        }
        let expiry = match expiries.iter().position(|e| e.years == leg.expiry_years) {
            Some(e) => e,
            None => {
                let vol = book.vols.iter().find(|v| v.expiry_years == leg.expiry_years);
                let vol = vol.ok_or(MarginError::MissingVol { underlying: u, leg: i })?.vol;
                if vol.is_negative() {
                    return bad("vol", "must be >= 0");
                }
                let scale = shock_scale(leg.expiry_years, params)?;
                expiries.push(Expiry { years: leg.expiry_years, vol, scale });
                expiries.len() - 1
            }
        };
        let node = match nodes.iter().position(|n| n.strike == leg.strike && n.expiry == expiry) {
            Some(n) => n,
            None => {
                let df = exp(book.rate.checked_mul(leg.expiry_years)?.checked_neg()?)?;
                let kdf = leg.strike.checked_mul(df)?;
                nodes.push(Node { strike: leg.strike, expiry, kdf, has_call: false, has_put: false });
                nodes.len() - 1
            }
        };
        let same = |g: &&mut Group| g.node == node && g.kind == leg.kind && g.size == leg.contract_size;
        match groups.iter_mut().find(same) {
            Some(g) => g.quantity = g.quantity.checked_add(leg.quantity).ok_or(overflow("net quantity"))?,
            None => groups.push(Group { kind: leg.kind, node, size: leg.contract_size, quantity: leg.quantity }),
        }
    }
    groups.retain(|g| g.quantity != 0);
    for g in &groups {
        match g.kind {
            OptionKind::Call => nodes[g.node].has_call = true,
            OptionKind::Put => nodes[g.node].has_put = true,
        }
    }
    Ok((expiries, nodes, groups))
}
