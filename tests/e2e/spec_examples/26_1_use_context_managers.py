async with EventStreamer(service_url, subscriber_id) as client:
    # Your code here
    pass
