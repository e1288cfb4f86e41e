// The WebAuthn layer lands here from staging/ once the CBOR and Crypto layers build.
