using Switchyard.Jobs.Sqlite;
using Switchyard.Jobs.Store;
using Switchyard.Jobs.Tests.Store;

namespace Switchyard.Jobs.Tests.Sqlite;

public sealed class SqliteJobStoreConformanceTests : JobStoreConformance
{
    // Not disposed by the class: DisposeStorageAsync deletes it after every store is closed.
    private readonly string _path = TempDb.NewPath();

    protected override Task<IJobStore> CreateStoreAsync(TimeProvider time) =>
        Task.FromResult<IJobStore>(SqliteJobStore.Open(new SqliteJobStoreOptions { Path = _path, TimeProvider = time }));

    protected override Task<IJobStore> OpenSameStoreAsync(IJobStore store, TimeProvider time) =>
        Task.FromResult<IJobStore>(SqliteJobStore.Open(new SqliteJobStoreOptions { Path = ((SqliteJobStore)store).Path, TimeProvider = time }));

    protected override Task DisposeStorageAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        TempDb.DeleteFolderOf(_path);
        return Task.CompletedTask;
    }
}
