//! Where the popup goes: centred on the opener window, clamped to the screen (SPEC §2).

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

/// Default popup size (SPEC §2).
pub const DEFAULT_WIDTH: u32 = 500;
/// Default popup size (SPEC §2).
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
    // Whole pixels, printed as integers (no float formatting code in the wasm).
    let px = |v: f64| v.round() as i64;
    format!("popup=yes,width={},height={},left={},top={}", px(r.width), px(r.height), px(r.left), px(r.top))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    const SCREEN: Rect = Rect { left: 0.0, top: 0.0, width: 1920.0, height: 1080.0 };

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
