import ArgumentParser

/// `dfns-bridge metadata`: FIDO Metadata Service (MDS3) BLOBs read offline.
struct MetadataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata",
        abstract: "Read and verify FIDO Metadata Service (MDS3) BLOBs.",
        discussion: """
            A BLOB is the signed JWT the FIDO Metadata Service publishes (https://mds3.fidoalliance.org/). \
            It is verified against the root you give (for the FIDO service: GlobalSign Root R3) at a \
            verification time. Errors print "error: <code>: <message>" on stderr and exit with status 1.
            """,
        subcommands: [MetadataInspectCommand.self]
    )
}
