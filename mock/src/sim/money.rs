//! The money of every simulator: an exact count of the currency's minor unit (cents, yen), read from
//! and written to each provider's wire form, and the one error a simulator maps to its provider's code.
//!
//! - LINE Pay sends amounts as JSON numbers in major units (`10.25` USD, `1000` JPY):
//!   [`Money::from_decimal`], [`Money::to_decimal`].
//! - Alipay+ sends minor units as text (`{"currency": "USD", "value": "1025"}`): [`Money::from_minor_text`].
//! - elepay sends minor units as JSON integers (`1000` JPY): [`Money::from_integer`].
//!
//! Nothing goes through floating point: a JSON number is read from its text.

use serde_json::{Number, Value};

/// An exact amount in the minor unit of its currency. The currency is kept beside it by each
/// simulator, which also decides which currencies it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Money(pub i64);

/// Why an amount in a request was refused. Each simulator answers its provider's code for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyError {
    /// Not a number of the expected form, or out of range.
    Malformed,
    /// More decimals than the currency has (LINE Pay 1124).
    Scale,
}

/// The number of decimals of `currency`'s major unit (ISO 4217): 0 for the yen, 2 for the others the
/// providers here use (USD, TWD, THB).
pub fn exponent(currency: &str) -> u32 {
    if currency == "JPY" { 0 } else { 2 }
}

impl Money {
    /// `units` whole major units of `currency`.
    pub fn units(units: i64, currency: &str) -> Money {
        Money(units * 10_i64.pow(exponent(currency)))
    }

    /// A JSON number in major units, exactly, from its text (`1000`, `10.25`, `-5`).
    pub fn from_decimal(value: &Value, currency: &str) -> Result<Money, MoneyError> {
        let Value::Number(number) = value else { return Err(MoneyError::Malformed) };
        // serde_json prints a float as the shortest text that reads back the same, which is the
        // text that was sent for any amount a provider accepts; integers print exactly.
        let text = number.to_string();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.as_str()),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let fraction = fraction.trim_end_matches('0');
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) {
            return Err(MoneyError::Malformed);
        }
        let scale = exponent(currency) as usize;
        if fraction.len() > scale {
            return Err(MoneyError::Scale);
        }
        let whole: i64 = whole.parse().map_err(|_| MoneyError::Malformed)?;
        let fraction: i64 =
            if scale == 0 { 0 } else { format!("{fraction:0<scale$}").parse().map_err(|_| MoneyError::Malformed)? };
        let amount = whole
            .checked_mul(10_i64.pow(scale as u32))
            .and_then(|w| w.checked_add(fraction))
            .ok_or(MoneyError::Malformed)?;
        Ok(Money(if negative { -amount } else { amount }))
    }

    /// The amount as a JSON number in major units: an integer when it is whole, else its exact decimal.
    pub fn to_decimal(self, currency: &str) -> Value {
        let scale = exponent(currency);
        let unit = 10_i64.pow(scale);
        if self.0 % unit == 0 {
            return Value::from(self.0 / unit);
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        let text = format!("{sign}{}.{:0width$}", (self.0 / unit).abs(), (self.0 % unit).abs(), width = scale as usize);
        text.parse::<Number>().map(Value::Number).unwrap_or(Value::Null)
    }

    /// Minor units as text (`"1025"`): digits only, no sign.
    pub fn from_minor_text(text: &str) -> Result<Money, MoneyError> {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::Malformed);
        }
        text.parse().map(Money).map_err(|_| MoneyError::Malformed)
    }

    /// Minor units as a JSON integer.
    pub fn from_integer(value: &Value) -> Result<Money, MoneyError> {
        value.as_i64().map(Money).ok_or(MoneyError::Malformed)
    }

    /// The count of minor units.
    pub fn minor(self) -> i64 {
        self.0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        Money(self.0 - other.0)
    }
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, other: Money) {
        self.0 += other.0;
    }
}

impl std::ops::Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

impl std::fmt::Display for Money {
    /// The count of minor units, as Alipay+ and elepay write it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decimal(text: &str, currency: &str) -> Result<Money, MoneyError> {
        Money::from_decimal(&serde_json::from_str(text).expect("JSON"), currency)
    }

    #[test]
    fn reads_decimals_exactly_in_the_currencys_minor_unit() {
        assert_eq!(decimal("10.25", "USD"), Ok(Money(1025)));
        assert_eq!(decimal("10.5", "USD"), Ok(Money(1050)));
        assert_eq!(decimal("1000", "JPY"), Ok(Money(1000)));
        assert_eq!(decimal("1000", "TWD"), Ok(Money(100_000)));
        assert_eq!(decimal("-5", "TWD"), Ok(Money(-500)));
        assert_eq!(decimal("1.5", "JPY"), Err(MoneyError::Scale));
        assert_eq!(decimal("0.001", "USD"), Err(MoneyError::Scale));
        assert_eq!(decimal("\"10\"", "USD"), Err(MoneyError::Malformed));
        assert_eq!(decimal("1e300", "USD"), Err(MoneyError::Malformed));
        assert_eq!(decimal("92233720368547759", "USD"), Err(MoneyError::Malformed), "overflow is refused");
    }

    #[test]
    fn writes_decimals_back() {
        assert_eq!(Money(1025).to_decimal("USD").to_string(), "10.25");
        assert_eq!(Money(-2000).to_decimal("TWD").to_string(), "-20");
        assert_eq!(Money(-5).to_decimal("USD").to_string(), "-0.05");
        assert_eq!(Money(1000).to_decimal("JPY").to_string(), "1000");
        assert_eq!(Money::units(7, "TWD"), Money(700));
        assert_eq!(Money::units(7, "JPY"), Money(7));
    }

    #[test]
    fn reads_minor_units_as_text_and_integers() {
        assert_eq!(Money::from_minor_text("1025"), Ok(Money(1025)));
        for bad in ["", "-1", "1.5", " 1", "99999999999999999999"] {
            assert_eq!(Money::from_minor_text(bad), Err(MoneyError::Malformed), "{bad:?}");
        }
        assert_eq!(Money::from_integer(&json!(300)), Ok(Money(300)));
        assert_eq!(Money::from_integer(&json!(1.5)), Err(MoneyError::Malformed));
        assert_eq!(Money(300).to_string(), "300");
    }
}
