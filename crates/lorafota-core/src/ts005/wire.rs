//! Byte-level helpers of the TS005 commands: the shared ones of [`crate::wire`], typed with this
//! package's [`Error`].

use super::Error;

crate::wire::impl_wire_error!(Error);
crate::wire::package_wire!(Error);
