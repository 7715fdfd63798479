//! How statements go to the server: every one unnamed, with the types of
//! its parameters written out (`query_typed`: parse, bind and execute in
//! one round trip). A named prepared statement lives on the server
//! connection that parsed it, and a pooler in transaction mode (PgBouncer
//! 1.18, as Debian ships it) hands that connection to other desks between
//! transactions: their own statements of the same name collide with it, or
//! run it. An unnamed statement is gone by the next one, so any pooler
//! passes it through. `tests/pooler.rs` runs many desks at once through a
//! real PgBouncer; `tests/architecture.rs` keeps named statements out of
//! `src/` (COPY, which has no unnamed form, runs inside one transaction
//! and closes its statement before the transaction ends).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use tokio_postgres::types::{ToSql, Type};

/// One parameter of a statement: its value and the type the server is told.
pub(crate) type Arg<'a> = (&'a (dyn ToSql + Sync), Type);

/// A Rust value's type as the server names it.
pub(crate) trait SqlType {
    const TYPE: Type;
}

/// `value` as a parameter of its own type.
pub(crate) fn arg<T: ToSql + Sync + SqlType>(value: &T) -> Arg<'_> {
    (value, T::TYPE)
}

macro_rules! sql_types {
    ($($rust:ty => $sql:ident, $array:ident;)*) => {
        $(
            impl SqlType for $rust {
                const TYPE: Type = Type::$sql;
            }
            impl SqlType for Vec<$rust> {
                const TYPE: Type = Type::$array;
            }
            impl SqlType for [$rust] {
                const TYPE: Type = Type::$array;
            }
        )*
    };
}

sql_types! {
    i32 => INT4, INT4_ARRAY;
    i64 => INT8, INT8_ARRAY;
    bool => BOOL, BOOL_ARRAY;
    String => TEXT, TEXT_ARRAY;
    Decimal => NUMERIC, NUMERIC_ARRAY;
    DateTime<Utc> => TIMESTAMPTZ, TIMESTAMPTZ_ARRAY;
}

impl SqlType for str {
    const TYPE: Type = Type::TEXT;
}

impl<T: SqlType> SqlType for Option<T> {
    const TYPE: Type = T::TYPE;
}

impl<T: SqlType + ?Sized> SqlType for &T {
    const TYPE: Type = T::TYPE;
}

macro_rules! arrays {
    ($($rust:ty => $array:ident;)*) => {
        $(
            impl SqlType for $rust {
                const TYPE: Type = Type::$array;
            }
        )*
    };
}

arrays! {
    Vec<&str> => TEXT_ARRAY;
    Vec<Option<&str>> => TEXT_ARRAY;
    Vec<Option<String>> => TEXT_ARRAY;
    Vec<Option<i64>> => INT8_ARRAY;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_value_is_sent_with_the_type_postgres_reads_it_as() {
        assert_eq!(arg(&1_i64).1, Type::INT8);
        assert_eq!(arg(&"x").1, Type::TEXT);
        assert_eq!(arg(&Some(String::new())).1, Type::TEXT);
        assert_eq!(arg(&vec![1_i64]).1, Type::INT8_ARRAY);
        assert_eq!(arg(&Vec::<Option<String>>::new()).1, Type::TEXT_ARRAY);
    }
}
