import Foundation

extension Installation {
    /// Upgrades to `bundle`: lock → verify → version policy → online backup → stage →
    /// stop → switch `current` → start (the new server migrates) → health check →
    /// commit. If the new version is not healthy in time, it switches back, restores the
    /// backup and restarts the old version by itself, and says why.
    /// With an external database (`database_url`), which the upgrader cannot copy, it goes
    /// ahead only once the operator says it was backed up (`databaseBackedUp`), and says how.
    public func upgrade(bundle: String, allowDowngrade: Bool, databaseBackedUp: Bool = false) throws -> [String] {
        try audited("upgrade", bundle: bundle) { audit in
            try upgrade(bundle: bundle, allowDowngrade: allowDowngrade, databaseBackedUp: databaseBackedUp, audit: audit)
        }
    }

    func upgrade(bundle: String, allowDowngrade: Bool, databaseBackedUp: Bool, audit: AuditEntry) throws -> [String] {
        let lock = try InstallerLock(layout)
        defer { withExtendedLifetime(lock) {} }
        var lines = try recoverInterruptedUpgrade()
        guard var state = try InstallerState.load(layout), let installed = ReleaseVersion(state.installed) else {
            throw InstallerError.conflict("nothing is installed under \(layout.root)/; use `enclave install`")
        }
        audit.from = installed.description
        var trust = try TrustedKeys.load(folder: layout.trustedKeys)
        let (verified, staging) = try stage(bundle, trust: trust) { manifest in try requireSpace(for: manifest) }
        audit.note(verified)
        var keepStaging = false
        defer { if !keepStaging { HostFiles.remove(staging) } }
        let target = verified.manifest.version
        let highest = ReleaseVersion(state.highest) ?? installed

        if target == installed {
            let current = FileManager.default.contents(atPath: layout.release(installed) + "/.bundle-manifest.json")
            let sameFiles = current.flatMap { try? BundleManifest.decode($0) }?.files == verified.manifest.files
            guard sameFiles else { throw InstallerError.refused("version \(target) is already installed with different content") }
            return lines + ["Enclave \(target) is already installed; nothing to do"]
        }
        if !allowDowngrade, target < installed || target < highest {
            throw InstallerError.refused("\(target) is older than the installed \(installed) (highest installed \(highest)); use --allow-downgrade to go back")
        }
        if let minimum = verified.manifest.minUpgradeFrom, installed < minimum {
            throw InstallerError.refused("\(target) can only be installed over \(minimum) or later; \(installed) is installed — upgrade to \(minimum) first")
        }

        let external = layout.databaseURL
        if let external, !databaseBackedUp {
            throw InstallerError.refused("the database is external (\(external)), so the upgrade cannot back it up: back it up first "
                                         + "(pg_dump --format=custom --file enclave-\(installed).dump '\(external)') and keep the keyring "
                                         + "\(layout.keyringFile) with it, then run the upgrade again with --database-backed-up")
        }

        var journal = UpgradeJournal(phase: .verified, from: installed.description, to: target.description, backup: nil,
                                     wasRunning: service.running() != nil)
        try journal.enter(.verified, layout)
        keepStaging = true
        _ = try place(verified, from: staging)
        journal.backup = external == nil ? try backupDatabase(using: layout.release(installed), label: installed.description) : nil
        try journal.enter(.backedUp, layout)
        service.stop()
        try journal.enter(.stopped, layout)
        try HostFiles.switchLink(layout.current, to: "releases/\(target)")
        try journal.enter(.switched, layout)
        do {
            try journal.enter(.started, layout)
            try service.start(deadline: healthDeadline)
        } catch {
            let reason = (error as? InstallerError)?.message ?? "\(error)"
            try undo(journal)
            guard let external else {
                throw InstallerError.failed("\(target) was not healthy (\(reason)); rolled back to \(installed) and restored its data")
            }
            throw InstallerError.failed("\(target) was not healthy (\(reason)); rolled back to \(installed); the external database \(external) "
                                        + "was not restored: if \(installed) refuses it as newer, restore the dump taken before the upgrade")
        }
        try journal.enter(.healthy, layout)
        state = InstallerState(installed: target.description, previous: installed.description,
                               highest: max(highest, target).description, lastBackup: journal.backup)
        try state.save(layout)
        UpgradeJournal.clear(layout)
        if let rotation = verified.rotation {
            trust.accept(rotation)
            try trust.save(to: layout.trustedKeys)
            audit.keyChange = "trusted \(SigningKey.fingerprint(rotation.newKey)) (endorsed by \(rotation.endorsedBy))"
                + (rotation.retiresEndorser ? "; revoked \(rotation.endorsedBy)" : "")
            lines.append("now trusting signing key \(SigningKey.fingerprint(rotation.newKey)) (endorsed by \(rotation.endorsedBy))"
                         + (rotation.retiresEndorser ? "; \(rotation.endorsedBy) is revoked" : ""))
        }
        if !journal.wasRunning { service.stop() }
        lines += retain(releases: Self.keptReleases, backups: Self.keptBackups)
        let backup = external.map { "the external database \($0) was backed up by the operator" }
            ?? "data backed up to \(journal.backup ?? "none (no database yet)")"
        lines.append("upgraded Enclave \(installed) → \(target) (signed by \(verified.signer)); \(backup)")
        return lines
    }

    /// An online, consistent copy of the database made by the installed release's own
    /// binary (`enclave backup`), or nil when there is no database yet.
    func backupDatabase(using release: String, label: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: layout.dataDirectory + "/enclave.sqlite") else { return nil }
        try HostFiles.makeDirectory(layout.backups, mode: 0o700)
        let stamp = Int(Date().timeIntervalSince1970)
        let destination = layout.backups + "/enclave-\(label)-\(stamp).sqlite"
        let output = ServiceController.run([InstallLayout.binary(in: release), "backup", "--data-dir", layout.dataDirectory, "--out", destination])
        guard output.contains("backed up"), FileManager.default.fileExists(atPath: destination) else {
            throw InstallerError.failed("the online backup of \(layout.dataDirectory) failed; nothing was changed")
        }
        // The keyring travels with the copy: without it no secret in the copy opens.
        // (Releases that know the secret store write it themselves; this covers a keyring
        // kept outside the data folder, which an older release's backup does not see.)
        let keyring = destination + ".keyring"
        if !FileManager.default.fileExists(atPath: keyring), FileManager.default.fileExists(atPath: layout.keyringFile) {
            try HostFiles.copy(layout.keyringFile, to: keyring, mode: 0o600)
        }
        return destination
    }

    /// Puts the host back to the journal's `from` release: stop whatever runs, switch
    /// back, restore the backup, restart the old version if it was running.
    func undo(_ journal: UpgradeJournal) throws {
        service.stop()
        try HostFiles.switchLink(layout.current, to: "releases/\(journal.from)")
        if let backup = journal.backup { try restore(backup) }
        if journal.to != journal.from { HostFiles.remove(layout.releases + "/\(journal.to)") }
        UpgradeJournal.clear(layout)
        if journal.wasRunning { try service.start(deadline: healthDeadline) }
    }

    /// Replaces the database with a backup copy (the server is stopped).
    func restore(_ backup: String) throws {
        let database = layout.dataDirectory + "/enclave.sqlite"
        try HostFiles.copy(backup, to: database, mode: 0o600)
        unlink(database + "-wal")
        unlink(database + "-shm")
        // A keyring only ever gains keys, so the live one opens the copy; bring the saved
        // one back only when the live one is gone.
        if !FileManager.default.fileExists(atPath: layout.keyringFile), FileManager.default.fileExists(atPath: backup + ".keyring") {
            try HostFiles.copy(backup + ".keyring", to: layout.keyringFile, mode: 0o600)
        }
    }

    /// Finishes or undoes an upgrade that was killed. Before the switch, the old release
    /// never stopped being current: the new one is discarded. After the switch but
    /// before health was confirmed, it is rolled back. After health was confirmed, the
    /// commit is completed. The host ends on one version either way.
    func recoverInterruptedUpgrade() throws -> [String] {
        for leftover in (try? FileManager.default.contentsOfDirectory(atPath: layout.releases)) ?? [] where leftover.hasPrefix(".staging-") {
            HostFiles.remove(layout.releases + "/" + leftover)
        }
        guard let journal = UpgradeJournal.load(layout) else { return [] }
        let audit = AuditEntry(action: "recover", bundle: nil)
        (audit.from, audit.to) = (journal.from, journal.to)
        let lines = try recover(journal)
        audit.write(to: layout, outcome: "ok", reason: lines.joined(separator: "; "))
        return lines
    }

    func recover(_ journal: UpgradeJournal) throws -> [String] {
        if journal.phase == .healthy {
            var state = try InstallerState.load(layout) ?? InstallerState(installed: journal.from, previous: nil, highest: journal.from, lastBackup: nil)
            if state.installed != journal.to {
                guard let target = ReleaseVersion(journal.to) else {
                    throw InstallerError.failed("the upgrade journal \(layout.journalFile) names '\(journal.to)', which is not a version; "
                        + "check which release `current` points at, then remove the journal")
                }
                let highest = max(ReleaseVersion(state.highest) ?? target, target)
                state = InstallerState(installed: journal.to, previous: journal.from, highest: highest.description, lastBackup: journal.backup)
                try state.save(layout)
            }
            UpgradeJournal.clear(layout)
            if service.running() == nil, journal.wasRunning { try service.start(deadline: healthDeadline) }
            return ["completed the interrupted upgrade \(journal.from) → \(journal.to) (it had passed its health check)"]
        }
        if journal.phase < .switched, HostFiles.linkTarget(layout.current) == "releases/\(journal.from)" {
            if journal.to != journal.from { HostFiles.remove(layout.releases + "/\(journal.to)") }
            UpgradeJournal.clear(layout)
            if journal.wasRunning, service.running() == nil { try service.start(deadline: healthDeadline) }
            return ["discarded the interrupted upgrade \(journal.from) → \(journal.to) (stopped at \(journal.phase.rawValue)); \(journal.from) is current"]
        }
        try undo(journal)
        return ["rolled back the interrupted upgrade \(journal.from) → \(journal.to) (stopped at \(journal.phase.rawValue)); \(journal.from) is current and its data restored"]
    }

    /// Returns to the previous release and the database backup taken before the upgrade
    /// to the current one. Data written since that upgrade is lost, as the backup is restored.
    /// Returns to the previous release. When that means restoring the pre-upgrade backup,
    /// the data written since is first kept aside (never silently lost), and the caller
    /// must have `confirmed` it; otherwise the refusal says what would be discarded.
    public func rollback(confirmed: Bool) throws -> [String] {
        try audited("rollback", bundle: nil) { audit in try rollback(audit: audit, confirmed: confirmed) }
    }

    /// What a rollback would do to the release and the data, or nil when there is no
    /// previous release; shown by `status` and before asking for confirmation.
    public func rollbackPlan() throws -> String? {
        guard let state = try InstallerState.load(layout), let previous = state.previous else { return nil }
        guard let backup = state.lastBackup else { return "back to \(previous); the data stays as it is" }
        return "back to \(previous) with the data as it was before the upgrade to \(state.installed) (\(backup)); "
            + "everything written since is kept aside in \(layout.backups), no longer served"
    }

    func rollback(audit: AuditEntry, confirmed: Bool) throws -> [String] {
        let lock = try InstallerLock(layout)
        defer { withExtendedLifetime(lock) {} }
        let lines = try recoverInterruptedUpgrade()
        guard let state = try InstallerState.load(layout) else { throw InstallerError.conflict("nothing is installed under \(layout.root)/") }
        guard let previous = state.previous, FileManager.default.fileExists(atPath: layout.releases + "/\(previous)") else {
            throw InstallerError.conflict("there is no previous release to roll back to")
        }
        (audit.from, audit.to) = (state.installed, previous)
        if state.lastBackup != nil, !confirmed {
            throw InstallerError.conflict("a rollback goes \(try rollbackPlan() ?? "back"); run `enclave rollback --yes` to go ahead")
        }
        let wasRunning = service.running() != nil
        service.stop()
        var kept: String?
        if let backup = state.lastBackup {
            kept = try keepAside(version: state.installed)
            try HostFiles.switchLink(layout.current, to: "releases/\(previous)")
            try restore(backup)
        } else {
            try HostFiles.switchLink(layout.current, to: "releases/\(previous)")
        }
        try InstallerState(installed: previous, previous: nil, highest: state.highest, lastBackup: nil).save(layout)
        if wasRunning { try service.start(deadline: healthDeadline) }
        var result = lines + ["rolled back \(state.installed) → \(previous)" + (state.lastBackup.map { "; data restored from \($0)" } ?? "")]
        if let kept { result.append("kept the data of \(state.installed) as it was before the rollback in \(kept)") }
        return result
    }

    /// Copies the database as it is now (with its WAL, if any) into a dated folder under
    /// `backups/`, before a rollback replaces it; nil when there is no database.
    func keepAside(version: String) throws -> String? {
        let database = layout.dataDirectory + "/enclave.sqlite"
        guard FileManager.default.fileExists(atPath: database) else { return nil }
        let folder = layout.backups + "/kept-\(version)-\(Int(Date().timeIntervalSince1970))"
        try HostFiles.makeDirectory(folder, mode: 0o700)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: database + suffix) {
            try HostFiles.copy(database + suffix, to: folder + "/enclave.sqlite" + suffix, mode: 0o600)
        }
        return folder
    }
}
