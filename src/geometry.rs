//! The popup's size and name, and where it goes: centred on the opener window, clamped to
//! the screen (docs/options.md#popup).

use crate::error::ConnectError;

/// Popup size and name (docs/options.md#popup; default 500×650, a new window each time).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PopupOptions {
    /// Width in CSS pixels, 1 to 10000.
    pub width: u32,
    /// Height in CSS pixels, 1 to 10000.
    pub height: u32,
    /// The window name (`window.open`'s target): 1 to 256 printable characters.
    pub name: String,
}

impl Default for PopupOptions {
    fn default() -> Self {
        PopupOptions { width: DEFAULT_WIDTH, height: DEFAULT_HEIGHT, name: "_blank".into() }
    }
}

impl PopupOptions {
    /// The one place the popup options are checked.
    pub fn validate(&self) -> Result<(), ConnectError> {
        if !(1..=10_000).contains(&self.width) || !(1..=10_000).contains(&self.height) {
            return Err(ConnectError::must_be("popup.width and popup.height", "whole numbers from 1 to 10000"));
        }
        if self.name.is_empty() || self.name.len() > 256 || self.name.chars().any(char::is_control) {
            return Err(ConnectError::must_be("popup.name", "1 to 256 printable characters"));
        }
        Ok(())
    }
}

/// A rectangle in CSS pixels, screen coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub left: f64,
    /// Top edge.
    pub top: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// Default popup size (docs/options.md#common).
pub const DEFAULT_WIDTH: u32 = 500;
/// Default popup size (docs/options.md#common).
pub const DEFAULT_HEIGHT: u32 = 650;

/// The popup's rectangle: `width`×`height` centred on `opener`, shrunk to fit `screen`
/// and moved inside it. Non-finite inputs fall back to the screen's origin.
pub fn popup_rect(opener: Rect, screen: Rect, width: u32, height: u32) -> Rect {
    let fit = |want: f64, avail: f64| if avail.is_finite() && avail > 0.0 { want.min(avail) } else { want };
    let w = fit(f64::from(width), screen.width);
    let h = fit(f64::from(height), screen.height);
    let centre = |start: f64, size: f64, own: f64| start + (size - own) / 2.0;
    let clamp = |pos: f64, lo: f64, span: f64, own: f64| {
        let pos = if pos.is_finite() { pos } else { lo };
        let hi = lo + span - own;
        if !lo.is_finite() || !hi.is_finite() {
            pos
        } else {
            pos.max(lo).min(hi.max(lo))
        }
    };
    Rect {
        left: clamp(centre(opener.left, opener.width, w), screen.left, screen.width, w).round(),
        top: clamp(centre(opener.top, opener.height, h), screen.top, screen.height, h).round(),
        width: w,
        height: h,
    }
}

/// The `window.open` features string for a popup at `r`.
pub fn features(r: Rect) -> String {
    // Whole pixels, written without `core::fmt` (docs/architecture.md#size).
    let mut out = String::from("popup=yes");
    for (name, v) in [(",width=", r.width), (",height=", r.height), (",left=", r.left), (",top=", r.top)] {
        out.push_str(name);
        let v = v.round();
        if v < 0.0 {
            out.push('-');
        }
        crate::ascii::push_decimal(&mut out, v.abs().min(f64::from(u32::MAX)) as u64);
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    const SCREEN: Rect = Rect { left: 0.0, top: 0.0, width: 1920.0, height: 1080.0 };

    #[test]
    fn popup_options_are_checked_once_here() {
        assert!(PopupOptions::default().validate().is_ok());
        for (w, h, name) in [(0, 1, "x"), (1, 10_001, "x"), (500, 650, ""), (500, 650, "a\u{7}")] {
            let p = PopupOptions { width: w, height: h, name: name.into() };
            assert_eq!(*p.validate().unwrap_err().code(), crate::ErrorCode::InvalidOptions, "{p:?}");
        }
        assert!(PopupOptions { name: "n".repeat(257), ..Default::default() }.validate().is_err());
    }

    #[test]
    fn centred_on_the_opener() {
        let opener = Rect { left: 100.0, top: 50.0, width: 1200.0, height: 900.0 };
        let r = popup_rect(opener, SCREEN, 500, 650);
        assert_eq!(r, Rect { left: 450.0, top: 175.0, width: 500.0, height: 650.0 });
    }

    #[test]
    fn clamped_to_the_screen() {
        let opener = Rect { left: 1800.0, top: 1000.0, width: 400.0, height: 300.0 };
        let r = popup_rect(opener, SCREEN, 500, 650);
        assert_eq!((r.left, r.top), (1420.0, 430.0));
        let left = popup_rect(Rect { left: -900.0, ..opener }, SCREEN, 500, 650);
        assert_eq!(left.left, 0.0);
    }

    #[test]
    fn shrinks_to_a_small_screen_and_honours_a_screen_offset() {
        let small = Rect { left: 1920.0, top: 0.0, width: 400.0, height: 500.0 };
        let r = popup_rect(Rect { left: 1920.0, top: 0.0, width: 400.0, height: 500.0 }, small, 500, 650);
        assert_eq!(r, Rect { left: 1920.0, top: 0.0, width: 400.0, height: 500.0 });
    }

    #[test]
    fn non_finite_inputs_do_not_propagate() {
        let nan = Rect { left: f64::NAN, top: f64::NAN, width: f64::NAN, height: f64::NAN };
        let r = popup_rect(nan, SCREEN, 500, 650);
        assert!(r.left.is_finite() && r.top.is_finite());
        assert_eq!(features(r), "popup=yes,width=500,height=650,left=0,top=0");
    }
}
