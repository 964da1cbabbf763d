import Storage

/// `enclave backup`: an online copy of the data folder's database, used by operators and
/// by the upgrader (which runs the installed release's own binary for it).
public func backupDatabase(dataDirectory: String, to destination: String) throws {
    try StateStore.backup(databaseAt: dataDirectory + "/enclave.sqlite", to: destination)
}
