using System.Text.Json;

namespace Switchyard.Samples.MessageConsumer;

/// <summary>
/// The processing itself: books an order by writing its receipt, <c>{folder}/{order id}.json</c>, flushed to disk.
/// A receipt is written to a temporary file and renamed over the final name, so processing a redelivered order
/// again (at-least-once delivery) leaves one whole receipt: the step is idempotent.
/// </summary>
internal sealed class ReceiptWriter(string folder)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Folder { get; } = Directory.CreateDirectory(folder).FullName;

    public async ValueTask WriteAsync(Order order, CancellationToken cancellationToken)
    {
        var final = Path.Combine(Folder, order.Id + ".json");
        var temporary = final + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096,
                         FileOptions.Asynchronous))
        {
            await JsonSerializer.SerializeAsync(file, new { order.Id, order.Customer, order.Amount, Status = "booked" }, Json,
                cancellationToken);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, final, overwrite: true);
    }
}
