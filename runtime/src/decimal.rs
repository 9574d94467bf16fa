//! An exact decimal for money. LINE Pay sends amounts as JSON numbers; a `f64` would silently round
//! them, so amounts are kept as an integer mantissa and a decimal scale.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// The most fractional digits a [`Decimal`] keeps.
pub const MAX_SCALE: u32 = 18;

/// Significant digits that survive a trip through an IEEE double unchanged (`DBL_DIG`).
const EXACT_DOUBLE_DIGITS: u32 = 15;

/// An exact decimal number: `mantissa / 10^scale`.
///
/// Equality and ordering are numeric (`1.5 == 1.50`); `Display` and `Debug` write the number with
/// the scale it was written with (`10.50`). Arithmetic is checked: every operation returns `None`
/// instead of overflowing or rounding.
///
/// ```
/// use payspec_runtime::Decimal;
///
/// let price: Decimal = "19.99".parse()?;
/// let fee = Decimal::from(5);
/// let total = price.checked_mul(3).and_then(|t| t.checked_add(fee)).ok_or("overflow")?;
/// assert_eq!(total.to_string(), "64.97");
/// assert!(total > Decimal::from(60));
/// assert_eq!(format!("{total:?}"), "64.97");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy)]
pub struct Decimal {
    mantissa: i64,
    scale: u32,
}

/// Why a text or number is not a [`Decimal`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecimalError {
    reason: &'static str,
}

impl fmt::Display for DecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not an exact decimal amount: {}", self.reason)
    }
}

impl std::error::Error for DecimalError {}

const fn error(reason: &'static str) -> DecimalError {
    DecimalError { reason }
}

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal { mantissa: 0, scale: 0 };

    /// `mantissa / 10^scale`; `None` when the scale exceeds [`MAX_SCALE`].
    pub const fn new(mantissa: i64, scale: u32) -> Option<Decimal> {
        if scale > MAX_SCALE { None } else { Some(Decimal { mantissa, scale }) }
    }

    /// A whole number.
    pub const fn from_i64(value: i64) -> Decimal {
        Decimal { mantissa: value, scale: 0 }
    }

    /// The integer `m` of `m / 10^scale`.
    pub const fn mantissa(self) -> i64 {
        self.mantissa
    }

    /// The number of fractional digits the value was written with.
    pub const fn scale(self) -> u32 {
        self.scale
    }

    /// The sum, or `None` on overflow. Takes a `Decimal` or an integer.
    pub fn checked_add(self, other: impl Into<Decimal>) -> Option<Decimal> {
        let other = other.into();
        let scale = self.scale.max(other.scale);
        let sum = self.rescaled(scale)?.checked_add(other.rescaled(scale)?)?;
        Some(Decimal { mantissa: i64::try_from(sum).ok()?, scale })
    }

    /// The difference, or `None` on overflow. Takes a `Decimal` or an integer.
    pub fn checked_sub(self, other: impl Into<Decimal>) -> Option<Decimal> {
        self.checked_add(other.into().checked_neg()?)
    }

    /// The product, or `None` on overflow or when the scale would exceed [`MAX_SCALE`]. Takes a
    /// `Decimal` or an integer (a quantity).
    pub fn checked_mul(self, other: impl Into<Decimal>) -> Option<Decimal> {
        let other = other.into();
        let mantissa = i64::try_from(i128::from(self.mantissa) * i128::from(other.mantissa)).ok()?;
        Decimal::new(mantissa, self.scale + other.scale)
    }

    /// The negated value, or `None` for the one mantissa that has no negation (`i64::MIN`).
    pub fn checked_neg(self) -> Option<Decimal> {
        Some(Decimal { mantissa: self.mantissa.checked_neg()?, scale: self.scale })
    }

    /// Whether the value is zero (at any scale).
    pub const fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    /// Whether the value is greater than zero.
    pub const fn is_positive(self) -> bool {
        self.mantissa > 0
    }

    /// Whether the value is less than zero.
    pub const fn is_negative(self) -> bool {
        self.mantissa < 0
    }

    /// The number of fractional digits the value needs (`1.50` needs 1, `100` none).
    pub fn fraction_digits(self) -> u32 {
        self.normalized().1
    }

    /// Whether the value has no fractional part.
    pub fn is_integer(self) -> bool {
        self.mantissa % 10_i64.pow(self.scale) == 0
    }

    fn rescaled(self, scale: u32) -> Option<i128> {
        i128::from(self.mantissa).checked_mul(10_i128.checked_pow(scale - self.scale)?)
    }

    /// Mantissa and scale with trailing fractional zeros removed: the value's canonical form.
    fn normalized(self) -> (i64, u32) {
        let (mut m, mut s) = (self.mantissa, self.scale);
        while s > 0 && m % 10 == 0 {
            m /= 10;
            s -= 1;
        }
        (m, s)
    }

    fn significant_digits(self) -> u32 {
        let (m, _) = self.normalized();
        m.unsigned_abs().checked_ilog10().map_or(1, |d| d + 1)
    }

    /// The value as the nearest `f64`, exact when it has at most 15 significant digits.
    fn to_f64_exact(self) -> Option<f64> {
        if self.significant_digits() > EXACT_DOUBLE_DIGITS {
            return None;
        }
        self.to_string().parse().ok()
    }

    /// Recovers the decimal a JSON parser turned into `f64`: the shortest text that round-trips is
    /// the number that was written, as long as it had at most 15 significant digits.
    fn from_f64_exact(value: f64) -> Result<Decimal, DecimalError> {
        if !value.is_finite() {
            return Err(error("not a finite number"));
        }
        let decimal: Decimal = value.to_string().parse()?;
        if decimal.significant_digits() > EXACT_DOUBLE_DIGITS {
            return Err(error("more than 15 significant digits cannot be read exactly from a JSON float"));
        }
        Ok(decimal)
    }
}

macro_rules! from_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for Decimal {
            fn from(value: $t) -> Decimal {
                Decimal::from_i64(i64::from(value))
            }
        }
    )*};
}

from_integer!(i8, i16, i32, i64, u8, u16, u32);

impl TryFrom<u64> for Decimal {
    type Error = DecimalError;

    fn try_from(value: u64) -> Result<Decimal, DecimalError> {
        i64::try_from(value).map(Decimal::from_i64).map_err(|_| error("too many digits"))
    }
}

impl TryFrom<i128> for Decimal {
    type Error = DecimalError;

    fn try_from(value: i128) -> Result<Decimal, DecimalError> {
        i64::try_from(value).map(Decimal::from_i64).map_err(|_| error("too many digits"))
    }
}

impl FromStr for Decimal {
    type Err = DecimalError;

    /// Accepts `-?DIGITS(.DIGITS)?`, the form providers document for amounts.
    fn from_str(text: &str) -> Result<Decimal, DecimalError> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        // One pass: the shape, the scale and the mantissa together. The errors keep their order of
        // precedence: the shape, then the scale, then the size.
        let (mut mantissa, mut overflow) = (0_i64, false);
        let (mut whole_len, mut dot, mut shape_ok) = (0_usize, None, true);
        for (i, b) in unsigned.bytes().enumerate() {
            match b {
                b'0'..=b'9' => {
                    match mantissa.checked_mul(10).and_then(|m| m.checked_add(i64::from(b - b'0'))) {
                        Some(m) => mantissa = m,
                        None => overflow = true,
                    }
                    if dot.is_none() {
                        whole_len += 1;
                    }
                }
                b'.' if dot.is_none() => dot = Some(i),
                _ => shape_ok = false,
            }
        }
        if whole_len == 0 || !shape_ok || unsigned.ends_with('.') {
            return Err(error("expected digits with an optional `.` and fraction"));
        }
        let fraction = dot.map_or(0, |at| unsigned.len() - at - 1);
        let scale = u32::try_from(fraction).ok().filter(|s| *s <= MAX_SCALE);
        let scale = scale.ok_or(error("more than 18 fractional digits"))?;
        if overflow {
            return Err(error("too many digits"));
        }
        Ok(Decimal { mantissa: if negative { -mantissa } else { mantissa }, scale })
    }
}

impl fmt::Display for Decimal {
    /// The number with its scale (`10.50`); width and alignment apply (`{:>10}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.mantissa.unsigned_abs().to_string();
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let scale = self.scale as usize;
        if scale == 0 {
            return f.pad(&format!("{sign}{digits}"));
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (whole, fraction) = padded.split_at(padded.len() - scale);
        f.pad(&format!("{sign}{whole}.{fraction}"))
    }
}

impl fmt::Debug for Decimal {
    /// The number, as `Display` writes it: amounts read the same in `{:?}` of a request.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Decimal) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        // Both sides fit i128 after scaling to the larger scale: |mantissa| < 2^63, 10^18 < 2^60.
        let scale = self.scale.max(other.scale);
        let widen = |d: &Decimal| i128::from(d.mantissa) * 10_i128.pow(scale - d.scale);
        widen(self).cmp(&widen(other))
    }
}

impl Hash for Decimal {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.normalized().hash(state);
    }
}

impl serde::Serialize for Decimal {
    /// Whole amounts are written as JSON integers. A fraction is written as its exact digits, never
    /// in exponent form: as a float where the shortest float text is those digits (at most 15
    /// significant digits and not below 10^-5, so every serializer gets a plain number), otherwise
    /// as the digits themselves through serde_json's raw-number path (`0.0000001`, or 17 digits).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_integer() {
            let (m, s) = (self.mantissa, self.scale);
            return serializer.serialize_i64(m / 10_i64.pow(s));
        }
        let (mantissa, scale) = self.normalized();
        let whole_digits = i64::from(self.significant_digits()) - i64::from(scale);
        if let (true, Some(value)) = (whole_digits > -5, self.to_f64_exact()) {
            return serializer.serialize_f64(value);
        }
        let exact = Decimal { mantissa, scale }.to_string();
        let raw = serde_json::value::RawValue::from_string(exact).map_err(serde::ser::Error::custom)?;
        serde::Serialize::serialize(&raw, serializer)
    }
}

/// The name under which serde_json hands a value's exact JSON text to a visitor (its `RawValue`
/// protocol); the only way to read a number's digits without `arbitrary_precision`.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

impl<'de> serde::Deserialize<'de> for Decimal {
    /// From serde_json: the number's exact text, so `1.0000000000000001` is that number and never a
    /// rounded double. From other deserializers: integers, strings, and floats of at most 15
    /// significant digits.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, DecimalVisitor)
    }
}

impl Decimal {
    /// Reads a JSON number's text exactly: `-?int(.frac)?([eE][+-]?exp)?`.
    fn from_json_number(text: &str) -> Result<Decimal, DecimalError> {
        let (digits, exponent) = match text.find(['e', 'E']) {
            Some(at) => {
                let exp = &text[at + 1..];
                let exp = exp.strip_prefix('+').unwrap_or(exp);
                (&text[..at], exp.parse::<i32>().map_err(|_| error("exponent out of range"))?)
            }
            None => (text, 0),
        };
        let Decimal { mut mantissa, scale } = digits.parse::<Decimal>()?;
        let mut scale = i64::from(scale) - i64::from(exponent);
        while scale < 0 {
            mantissa = mantissa.checked_mul(10).ok_or(error("too many digits"))?;
            scale += 1;
        }
        while scale > i64::from(MAX_SCALE) && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        let scale =
            u32::try_from(scale).ok().filter(|s| *s <= MAX_SCALE).ok_or(error("more than 18 fractional digits"))?;
        Ok(Decimal { mantissa, scale })
    }
}

struct DecimalVisitor;

impl<'de> serde::de::Visitor<'de> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal amount as a JSON number or string")
    }

    /// serde_json's raw-value protocol: one entry whose value is the exact JSON text.
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
        use serde::de::Error as _;
        if map.next_key::<RawKey>()?.is_none() {
            return Err(A::Error::custom("expected a number"));
        }
        map.next_value_seed(RawText)
    }

    /// Deserializers other than serde_json: the value itself.
    fn visit_newtype_struct<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Decimal, D::Error> {
        deserializer.deserialize_any(DecimalVisitor)
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Decimal, E> {
        Ok(Decimal::from_i64(value))
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Decimal, E> {
        i64::try_from(value).map(Decimal::from_i64).map_err(|_| E::custom("amount out of range"))
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Decimal, E> {
        Decimal::from_f64_exact(value).map_err(E::custom)
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Decimal, E> {
        value.parse().map_err(E::custom)
    }
}

/// The key of serde_json's raw-value entry.
struct RawKey;

impl<'de> serde::Deserialize<'de> for RawKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<RawKey, D::Error> {
        struct KeyVisitor;
        impl serde::de::Visitor<'_> for KeyVisitor {
            type Value = RawKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal amount")
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<RawKey, E> {
                if key == RAW_VALUE_TOKEN {
                    Ok(RawKey)
                } else {
                    Err(E::custom("expected a decimal amount, not an object"))
                }
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// The exact JSON text of the value: a number, or a string holding one.
struct RawText;

impl<'de> serde::de::DeserializeSeed<'de> for RawText {
    type Value = Decimal;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Decimal, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl serde::de::Visitor<'_> for RawText {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal amount as a JSON number or string")
    }

    fn visit_str<E: serde::de::Error>(self, json: &str) -> Result<Decimal, E> {
        if json.starts_with('"') {
            let text: std::borrow::Cow<'_, str> = serde_json::from_str(json).map_err(E::custom)?;
            return text.parse().map_err(E::custom);
        }
        if json.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) {
            return Decimal::from_json_number(json).map_err(E::custom);
        }
        Err(E::custom(format!("expected a decimal amount, found {}", json.chars().take(20).collect::<String>())))
    }
}

/// Conversions to and from [`rust_decimal::Decimal`], with the `rust_decimal` feature.
#[cfg(feature = "rust_decimal")]
mod rust_decimal_interop {
    use super::{Decimal, DecimalError, MAX_SCALE, error};

    impl From<Decimal> for rust_decimal::Decimal {
        /// Always exact: a 64-bit mantissa and at most 18 fractional digits fit.
        fn from(value: Decimal) -> rust_decimal::Decimal {
            rust_decimal::Decimal::new(value.mantissa, value.scale)
        }
    }

    impl TryFrom<rust_decimal::Decimal> for Decimal {
        type Error = DecimalError;

        /// Exact, keeping the scale; trailing fractional zeros are dropped only when the value
        /// would not fit otherwise. Fails when it cannot be held exactly (more than 18 significant
        /// fractional digits, or a mantissa beyond `i64`).
        fn try_from(value: rust_decimal::Decimal) -> Result<Decimal, DecimalError> {
            let (mut mantissa, mut scale) = (value.mantissa(), value.scale());
            while (scale > MAX_SCALE || i64::try_from(mantissa).is_err()) && scale > 0 && mantissa % 10 == 0 {
                mantissa /= 10;
                scale -= 1;
            }
            if scale > MAX_SCALE {
                return Err(error("more than 18 fractional digits"));
            }
            let mantissa = i64::try_from(mantissa).map_err(|_| error("too many digits"))?;
            Ok(Decimal { mantissa, scale })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_displays_exactly() {
        for s in ["0", "-1", "10.50", "0.05", "-0.5", "9223372036854775807", "0.000000000000000001"] {
            assert_eq!(d(s).to_string(), s);
        }
        for bad in ["", "-", "1.", ".5", "1e3", "+1", "1.2.3", "9223372036854775808", " 1", "1.0000000000000000001"] {
            assert!(bad.parse::<Decimal>().is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn compares_numerically() {
        assert_eq!(d("1.5"), d("1.50"));
        assert!(d("1.05") < d("1.5"));
        assert!(d("-2") < d("-1.99"));
        use std::collections::hash_map::DefaultHasher;
        let hash = |x: Decimal| {
            let mut h = DefaultHasher::new();
            x.hash(&mut h);
            h.finish()
        };
        assert_eq!(hash(d("2.10")), hash(d("2.1")));
    }

    #[test]
    fn arithmetic_is_exact_and_checked() {
        assert_eq!(d("0.1").checked_add(d("0.2")), Some(d("0.3")));
        assert_eq!(d("2").checked_mul(d("19.99")), Some(d("39.98")));
        assert_eq!(Decimal::from_i64(i64::MAX).checked_add(d("1")), None);
        assert_eq!(d("10.00").checked_sub(d("0.01")).map(|x| x.to_string()), Some("9.99".into()));
        assert_eq!(d("1").checked_sub(d("2.5")), Some(d("-1.5")));
        assert_eq!(Decimal::from_i64(i64::MIN).checked_sub(1), None);
        assert_eq!(Decimal::from_i64(i64::MIN).checked_neg(), None);
        assert_eq!(d("0.000000000000000001").checked_mul(d("0.1")), None, "scale above 18");
    }

    #[test]
    fn integers_mix_with_amounts() {
        assert_eq!(d("19.99").checked_mul(3), Some(d("59.97")));
        assert_eq!(d("19.99").checked_add(1_u8), Some(d("20.99")));
        assert_eq!(d("0.5").checked_sub(1_i16), Some(d("-0.5")));
        assert_eq!(d("4611686018427387904").checked_mul(2), None);
        assert_eq!(Decimal::from(7_u32), d("7"));
        assert_eq!(Decimal::try_from(u64::MAX), Err(error("too many digits")));
        assert_eq!(Decimal::try_from(42_u64), Ok(d("42")));
        assert_eq!(Decimal::try_from(-42_i128), Ok(d("-42")));
        assert!(Decimal::try_from(i128::MAX).is_err());
        assert!(d("0").is_zero() && d("0.00").is_zero() && !d("0.01").is_zero());
        assert!(d("0.01").is_positive() && d("-0.01").is_negative() && !d("0").is_positive());
        assert!(d("100") > Decimal::from(99) && d("99.99") < Decimal::from(100));
    }

    #[test]
    fn debug_and_display_are_the_number() {
        assert_eq!(format!("{:?}", d("10.50")), "10.50");
        assert_eq!(format!("{:?}", Some(d("-0.05"))), "Some(-0.05)");
        assert_eq!(format!("{}", d("1000")), "1000");
        assert_eq!(format!("[{:>8}]", d("1.5")), "[     1.5]");
        assert_eq!(format!("[{:<6}]", d("-2")), "[-2    ]");
    }

    #[cfg(feature = "rust_decimal")]
    #[test]
    fn converts_exactly_to_and_from_rust_decimal() {
        for text in ["0", "10.50", "-0.000000000000000001", "9223372036854775807", "-9223372036854775807"] {
            let ours = d(text);
            let theirs = rust_decimal::Decimal::from(ours);
            assert_eq!(theirs.to_string(), text);
            let back = Decimal::try_from(theirs).unwrap();
            assert_eq!(back.to_string(), text, "the scale survives");
        }
        let wide: rust_decimal::Decimal = "1.5000000000000000000000000".parse().unwrap();
        assert_eq!(Decimal::try_from(wide).unwrap().to_string(), "1.500000000000000000", "zeros dropped only to fit");
        let tiny: rust_decimal::Decimal = "0.0000000000000000000000001".parse().unwrap();
        assert!(Decimal::try_from(tiny).is_err());
        assert!(Decimal::try_from(rust_decimal::Decimal::MAX).is_err());
    }

    #[test]
    fn json_round_trip_is_exact() {
        for text in ["1000", "-20", "10.5", "0.07", "1234567890123.45", "9007199254740993"] {
            let value: Decimal = serde_json::from_str(text).unwrap();
            assert_eq!(value, d(text), "{text}");
            let back = serde_json::to_string(&value).unwrap();
            let again: Decimal = serde_json::from_str(&back).unwrap();
            assert_eq!(again, value, "{text} -> {back}");
        }
        assert_eq!(serde_json::to_string(&d("1000.00")).unwrap(), "1000");
        assert_eq!(serde_json::from_str::<Decimal>("\"12.34\"").unwrap(), d("12.34"));
    }

    #[test]
    fn reads_every_digit_a_json_number_has() {
        // A double holds 1.0000000000000001 as 1.0: the digits must come from the text.
        assert_eq!(serde_json::from_str::<Decimal>("1.0000000000000001").unwrap(), d("1.0000000000000001"));
        assert_eq!(serde_json::from_str::<Decimal>("0.12345678901234567").unwrap(), d("0.12345678901234567"));
        for (json, exact) in [("1e-7", "0.0000001"), ("1.5E+3", "1500"), ("-2.50e1", "-25"), ("120e-2", "1.2")] {
            assert_eq!(serde_json::from_str::<Decimal>(json).unwrap(), d(exact), "{json}");
        }
        // Inside a structure, from a reader and from a `Value` too.
        let nested: Vec<Decimal> = serde_json::from_reader(&b"[1.0000000000000001, \"2.5\"]"[..]).unwrap();
        assert_eq!(nested, [d("1.0000000000000001"), d("2.5")]);
        let from_value: Decimal = serde_json::from_value(serde_json::json!(10.5)).unwrap();
        assert_eq!(from_value, d("10.5"));
    }

    #[test]
    fn writes_exact_digits_never_an_exponent() {
        for (value, json) in [
            ("0.0000001", "0.0000001"),
            ("0.000001", "0.000001"),
            ("0.00001", "0.00001"),
            ("0.000012345", "0.000012345"),
            ("0.0001", "0.0001"),
            ("10.50", "10.5"),
            ("12345678901234.567", "12345678901234.567"),
            ("-0.00000012", "-0.00000012"),
            ("1.0000000000000001", "1.0000000000000001"),
        ] {
            let written = serde_json::to_string(&d(value)).unwrap();
            assert_eq!(written, json, "{value}");
            assert_eq!(serde_json::from_str::<Decimal>(&written).unwrap(), d(value), "{value} round-trips");
        }
    }

    #[test]
    fn refuses_what_it_cannot_keep_exact() {
        assert!(serde_json::from_str::<Decimal>("0.1234567890123456789").is_err(), "19 fractional digits");
        assert!(serde_json::from_str::<Decimal>("18446744073709551615").is_err());
        assert!(serde_json::from_str::<Decimal>("1e400").is_err());
        assert!(serde_json::from_str::<Decimal>("true").is_err());
        assert!(serde_json::from_str::<Decimal>("{\"a\":1}").is_err());
    }
}
