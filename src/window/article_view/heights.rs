//! Paragraph heights for one (wrap width, font size): measured where laid
//! out, estimated elsewhere, with a Fenwick tree of prefix sums so the
//! paragraph at a scroll position is found in `O(log n)`.

/// Assumed mean glyph width, in ems, for height estimates.
const MEAN_GLYPH_EMS: f32 = 0.5;

/// Height of every paragraph for one (wrap width, font size), measured or
/// estimated, with a Fenwick tree of prefix sums.
pub(super) struct HeightTable {
    pub(super) key: (u32, u32),
    heights: Vec<f32>,
    /// 1-based Fenwick tree stored 0-based: `tree[k - 1]` covers `(k - lowbit(k), k]`.
    tree: Vec<f64>,
    pub(super) last_used: u64,
}

impl HeightTable {
    pub(super) fn new(key: (u32, u32), heights: Vec<f32>, frame: u64) -> Self {
        let n = heights.len();
        let mut tree: Vec<f64> = heights.iter().map(|&h| f64::from(h)).collect();
        for k in 1..=n {
            let parent = k + (k & k.wrapping_neg());
            if parent <= n {
                tree[parent - 1] += tree[k - 1];
            }
        }
        HeightTable {
            key,
            heights,
            tree,
            last_used: frame,
        }
    }

    pub(super) fn height(&self, i: usize) -> f32 {
        self.heights.get(i).copied().unwrap_or(0.0)
    }

    pub(super) fn set(&mut self, i: usize, h: f32) {
        let Some(old) = self.heights.get_mut(i) else {
            return;
        };
        let delta = f64::from(h) - f64::from(*old);
        *old = h;
        let mut k = i + 1;
        while k <= self.tree.len() {
            self.tree[k - 1] += delta;
            k += k & k.wrapping_neg();
        }
    }

    /// Sum of the heights of paragraphs `0..i`.
    pub(super) fn top(&self, i: usize) -> f32 {
        let mut k = i.min(self.tree.len());
        let mut sum = 0.0;
        while k > 0 {
            sum += self.tree[k - 1];
            k -= k & k.wrapping_neg();
        }
        sum as f32
    }

    pub(super) fn total(&self) -> f32 {
        self.top(self.tree.len())
    }

    /// The paragraph holding content y `y` (the last one when past the end).
    pub(super) fn index_at(&self, y: f32) -> usize {
        let n = self.tree.len();
        let mut pos = 0;
        let mut rest = f64::from(y);
        let mut step = if n == 0 { 0 } else { 1 << n.ilog2() };
        while step > 0 {
            if pos + step <= n && self.tree[pos + step - 1] <= rest {
                pos += step;
                rest -= self.tree[pos - 1];
            }
            step >>= 1;
        }
        pos.min(n.saturating_sub(1))
    }
}

/// Estimated height of a paragraph of `chars` chars.
pub(super) fn estimate_height(
    chars: usize,
    wrap_width: f32,
    font_size: f32,
    line_height: f32,
) -> f32 {
    let rows = (chars as f32 * MEAN_GLYPH_EMS * font_size / wrap_width.max(1.0)).ceil();
    rows.max(1.0) * line_height
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenwick_heights_match_a_naive_sum() {
        let heights: Vec<f32> = (0..37).map(|i| (i % 5 + 1) as f32 * 10.0).collect();
        let mut t = HeightTable::new((0, 0), heights.clone(), 0);
        let mut naive = heights;
        t.set(7, 3.0);
        naive[7] = 3.0;
        for i in 0..=naive.len() {
            let want: f32 = naive[..i].iter().sum();
            assert!((t.top(i) - want).abs() < 1e-3, "top({i})");
        }
        for i in 0..naive.len() {
            let y = t.top(i) + 0.5;
            assert_eq!(t.index_at(y), i);
        }
        assert_eq!(t.index_at(1e9), naive.len() - 1);
    }
}
