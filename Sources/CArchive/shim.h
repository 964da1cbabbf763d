// libarchive for the Installer module (system package libarchive-dev).
#include <archive.h>
#include <archive_entry.h>

// The AE_IF* macros carry casts Swift does not import; the same values as constants.
static const unsigned int CArchiveTypeMask = 0170000;
static const unsigned int CArchiveRegularFile = 0100000;
static const unsigned int CArchiveDirectory = 0040000;
